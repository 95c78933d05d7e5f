# Parley's messages with placeholders and plural forms (Project Fluent).
# Every message here exists in ru.ftl with the same placeholders (checked by a test).
# Plain labels without either live in the `Strings` tables (app/src/i18n/*.rs).

## Home

members-count = { $count ->
    [one] { $count } member
   *[other] { $count } members
}

## The activity feed: one line per event kind (`event-` + the kind, `.` written as `-`)

event-workspace-created = Workspace created
event-workspace-renamed = Workspace renamed to «{ $name }»
event-member-joined = { $name } joined the workspace
event-member-role_changed = A member’s role was changed
event-member-removed = A member was removed from the workspace
event-member-left = A member left the workspace
event-ownership-transferred = The workspace has a new owner
event-contact-created = New contact: { $displayName }
event-contact-updated = Contact updated: { $displayName }
event-contact-deleted = Contact deleted
event-contacts-imported = Contacts imported
event-records-seeded = Demo records were added
event-company-created = New company: { $name }
event-company-updated = Company updated: { $name }
event-company-deleted = Company deleted
event-deal-created = New deal: { $title }
event-deal-updated = Deal updated: { $title }
event-deal-deleted = Deal deleted
event-deal-stage_changed = Deal moved: { $title } → { $stageName }
event-note-created = Note added
event-note-deleted = A note was deleted
event-reminder-created = A reminder was added
event-reminder-updated = A reminder was changed
event-reminder-deleted = A reminder was deleted
event-reminder-due = Reminder due: { $title }
event-pipeline-created = New pipeline: { $pipeline }
event-pipeline-updated = Pipeline changed: { $pipeline }
event-pipeline-deleted = A pipeline was deleted
event-message-received = New message in { $chat }
event-message-sent = Message sent in { $chat }
event-message-updated = A message was edited
event-message-read = A chat was read
event-conversation-updated = Chat updated: { $chat }
event-conversation-typing = Someone is typing
event-folder-changed = Inbox folders changed
event-account-connected = Telegram account connected: { $name }
event-account-updated = A Telegram account’s status changed
event-account-disconnected = A Telegram account was disconnected
event-account-needs_relogin = A Telegram account needs to sign in again
event-unknown = Something changed in the workspace

## The timeline of a record

timeline-created = Created
timeline-edited = Edited: { $fields }
timeline-stage_changed = Moved: { $from } → { $to }
timeline-stage_changed-reason = Moved: { $from } → { $to } ({ $reason })
timeline-note_added = Note added: { $excerpt }
timeline-reminder_added = Reminder added: { $title }
timeline-reminder_done = Reminder done: { $title }
timeline-unknown = Changed

field-title = title
field-valueMinor = value
field-currency = currency
field-pipelineId = pipeline
field-stageId = stage
field-ownerId = owner
field-contactId = contact
field-companyId = company
field-expectedCloseAt = expected close
field-probability = probability
field-lostReason = lost reason
field-firstName = first name
field-lastName = last name
field-displayName = display name
field-email = email
field-phone = phone
field-telegramUsername = Telegram username
field-telegramUserId = Telegram user ID
field-name = name
field-industry = industry
field-size = size
field-website = website
field-description = description

## Toasts

toast-saved = Saved
toast-deleted = Deleted
toast-verification-resent = Sent: check your inbox
toast-invite-sent = Invitation sent
toast-link-created = Link created: copy it and share it
toast-team-saved = Saved
toast-stages-reordered = Order saved
toast-pipeline-deleted = Deleted
toast-relogin-needed = Telegram ended the session of your account: connect it again from the inbox
toast-connection-works = The connection works
toast-connection-pending = The account's connection is not up yet; its status will show here
toast-connection-unanswered = Telegram did not answer: { $reason }
toast-connection-problem = { $status ->
    [reconnecting] The connection does not work yet; Parley keeps trying
    [flood_wait] Telegram asks this account to wait before sending more
    [needs_relogin] Telegram no longer accepts this account: connect it again
   *[other] The account is disconnected
}
toast-file-too-large = Files are limited to 20 MB
toast-resync-started = Resync started
toast-account-disconnected = Account disconnected
toast-chats-picked = Selection saved
toast-contact-created-linked = Contact created and linked
toast-telegram-app-saved = Telegram application saved
toast-bot-connected = Bot connected
toast-deal-moved = Deal moved to { $stage }
toast-company-has-deals = This company has deals. Choose what happens to them.
toast-note-added = Note added
toast-import-done = Import finished
toast-error-generic = Something went wrong. Please try again.
toast-move-refused = The move was refused: { $reason }
toast-reminder-due = Reminder due: { $title }
toast-imported = { $count ->
    [one] { $count } row imported
   *[other] { $count } rows imported
}

## Emails (subject, lines of text, the button)

email-invite-subject = { $inviter } invited you to { $workspace } on Parley
email-invite-line1 = { $inviter } invited you to join the workspace "{ $workspace }" on Parley as { $role }.
email-invite-line2 = Open this link to accept (it expires; ask for a new one if it has):
email-invite-action = Accept the invitation
email-reset-subject = Reset your Parley password
email-reset-line1 = Someone asked to reset the password of your Parley account.
email-reset-line2 = Open this link within an hour to choose a new one. If it was not you, ignore this email.
email-reset-action = Choose a new password
email-verify-subject = Confirm your email address for Parley
email-verify-line1 = Open this link to confirm that this address is yours:
email-verify-action = Confirm the address
email-change-subject = Confirm your new email address for Parley
email-change-line1 = Someone asked to use this address for the Parley account of { $name }.
email-change-line2 = Open this link within a day to confirm it. If it was not you, ignore this email.
email-change-action = Use this address
email-changed-subject = Your Parley account now uses another email address
email-changed-line1 = The email address of your Parley account was changed to { $newEmail }. Sign-in and messages now go to that address.
email-changed-line2 = If you did not do this, open this link within a week to take your address back (every session is signed out), then reset your password.
email-changed-action = This was not me: take my address back
email-relogin-subject = Connect your Telegram account { $account } to Parley again
email-relogin-line1 = Telegram ended Parley's session of your account { $account } (it was logged out or the session was terminated). Its chats are not synced and nothing can be sent from it until you connect it again.
email-relogin-line2 = Open this link to connect it again:
email-relogin-action = Connect again
