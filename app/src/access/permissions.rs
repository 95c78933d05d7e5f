//! The permission matrix: what each role may do. The server checks every request against it
//! (`AuthContext::require` / `require_on`), the UI reads it to hide what would be refused, and
//! `docs/PERMISSIONS.md` shows it (a test renders [`markdown`] and compares).

use crate::access::Role;

/// How far a role's grant reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// On every record of the workspace.
    All,
    /// Only on records the caller owns or is assigned, or that nobody owns yet.
    Own,
    No,
}

/// Everything a request may need permission for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    ReadRecords,
    CreateRecords,
    EditRecords,
    DeleteRecords,
    ImportRecords,
    WriteNotes,
    ReplyInConversations,
    StartConversations,
    AssignConversations,
    ManageFolders,
    ConnectChannels,
    ConfigurePipelines,
    ManageWorkspace,
    ManageTeam,
    ReadAuditLog,
    SetSecurityPolicy,
    TransferOwnership,
}

/// Roles in the order of the matrix's columns.
pub const ROLES: [Role; 5] = [
    Role::Owner,
    Role::Admin,
    Role::Supervisor,
    Role::Rep,
    Role::Viewer,
];

use Grant::{All, No, Own};

/// One row per action: its name in the docs, what it covers, and the grant of each role
/// (owner, admin, supervisor, rep, viewer).
pub const MATRIX: &[(Action, &str, &str, [Grant; 5])] = &[
    (
        Action::ReadRecords,
        "records.read",
        "See companies, contacts, deals, notes, the board, the inbox and their history",
        [All, All, All, All, All],
    ),
    (
        Action::CreateRecords,
        "records.create",
        "Create companies, contacts and deals (a rep's new records are theirs)",
        [All, All, All, All, No],
    ),
    (
        Action::EditRecords,
        "records.edit",
        "Edit companies, contacts and deals, move deals between stages, link chats to them",
        [All, All, All, Own, No],
    ),
    (
        Action::DeleteRecords,
        "records.delete",
        "Delete companies, contacts and deals",
        [All, All, All, Own, No],
    ),
    (
        Action::ImportRecords,
        "records.import",
        "Import contacts from CSV (creates contacts and updates any matching one)",
        [All, All, All, No, No],
    ),
    (
        Action::WriteNotes,
        "notes.write",
        "Add notes and reminders to records; delete and edit them",
        [All, All, All, Own, No],
    ),
    (
        Action::ReplyInConversations,
        "conversations.reply",
        "Send messages and files, retry failed ones, pin chats",
        [All, All, All, Own, No],
    ),
    (
        Action::StartConversations,
        "conversations.start",
        "Write first to someone found by username or phone (counts against the account's daily allowance)",
        [All, All, All, Own, No],
    ),
    (
        Action::AssignConversations,
        "conversations.assign",
        "Assign chats to members (a rep may take an unassigned chat)",
        [All, All, All, Own, No],
    ),
    (
        Action::ManageFolders,
        "folders.manage",
        "Create, rename and delete the inbox's CRM-only folders, file chats into them",
        [All, All, All, All, No],
    ),
    (
        Action::ConnectChannels,
        "channels.connect",
        "Connect Telegram accounts and bots, check and disconnect them",
        [All, All, Own, Own, No],
    ),
    (
        Action::ConfigurePipelines,
        "pipelines.configure",
        "Create, edit, reorder and delete pipelines and stages",
        [All, All, No, No, No],
    ),
    (
        Action::ManageWorkspace,
        "workspace.settings",
        "Rename the workspace, change its settings, read the mail outbox",
        [All, All, No, No, No],
    ),
    (
        Action::ManageTeam,
        "team.manage",
        "Invite members, change roles, remove members (admins never touch owners)",
        [All, All, No, No, No],
    ),
    (
        Action::ReadAuditLog,
        "audit.read",
        "Browse the audit log",
        [All, All, No, No, No],
    ),
    (
        Action::SetSecurityPolicy,
        "security.policy",
        "Require two-factor sign-in for every member",
        [All, No, No, No, No],
    ),
    (
        Action::TransferOwnership,
        "ownership.transfer",
        "Make another member an owner and step down",
        [All, No, No, No, No],
    ),
];

impl Action {
    fn row(self) -> &'static (Action, &'static str, &'static str, [Grant; 5]) {
        MATRIX
            .iter()
            .find(|row| row.0 == self)
            .expect("every action has a row in the matrix")
    }

    /// The action's name in the docs and in refusals (`records.edit`).
    pub fn name(self) -> &'static str {
        self.row().1
    }
}

impl Role {
    /// What this role may do of `action`.
    pub fn grant(self, action: Action) -> Grant {
        let column = ROLES.iter().position(|r| *r == self).unwrap_or(4);
        action.row().3[column]
    }

    /// Allowed at least on some records (the UI shows the control).
    pub fn may(self, action: Action) -> bool {
        self.grant(action) != Grant::No
    }
}

/// The matrix as the Markdown table of `docs/PERMISSIONS.md`.
pub fn markdown() -> String {
    let mut out = String::from(
        "| Permission | What it covers | owner | admin | supervisor | rep | viewer |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for (_, name, what, grants) in MATRIX {
        out.push_str(&format!("| `{name}` | {what} |"));
        for grant in grants {
            out.push_str(match grant {
                All => " yes |",
                Own => " own |",
                No => " — |",
            });
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_exactly_one_row() {
        for (action, ..) in MATRIX {
            assert_eq!(MATRIX.iter().filter(|r| r.0 == *action).count(), 1);
        }
    }

    #[test]
    fn viewers_only_read_and_owners_do_everything() {
        for (action, ..) in MATRIX {
            assert_eq!(Role::Owner.grant(*action), Grant::All);
            let viewer = Role::Viewer.grant(*action);
            assert_eq!(viewer == Grant::All, *action == Action::ReadRecords);
        }
    }

    #[test]
    fn the_documented_matrix_is_the_enforced_one() {
        let doc = include_str!("../../../docs/PERMISSIONS.md");
        assert!(
            doc.contains(&markdown()),
            "docs/PERMISSIONS.md is out of date; paste in:\n{}",
            markdown()
        );
    }
}
