# Сообщения Parley с подстановками и формами множественного числа (Project Fluent).
# Каждое сообщение есть и в en.ftl с теми же подстановками (проверяется тестом).

## Главная

members-count = { $count ->
    [one] { $count } участник
    [few] { $count } участника
   *[many] { $count } участников
}

## Лента событий

event-workspace-created = Пространство создано
event-workspace-renamed = Пространство переименовано в «{ $name }»
event-member-joined = { $name } — новый участник пространства
event-member-role_changed = Роль участника изменена
event-member-removed = Участник удалён из пространства
event-member-left = Участник покинул пространство
event-ownership-transferred = У пространства новый владелец
event-contact-created = Новый контакт: { $displayName }
event-contact-updated = Контакт изменён: { $displayName }
event-contact-deleted = Контакт удалён
event-contacts-imported = Контакты импортированы из файла
event-records-seeded = Добавлены демонстрационные записи
event-company-created = Новая компания: { $name }
event-company-updated = Компания изменена: { $name }
event-company-deleted = Компания удалена
event-deal-created = Новая сделка: { $title }
event-deal-updated = Сделка изменена: { $title }
event-deal-deleted = Сделка удалена
event-deal-stage_changed = Сделка перемещена: { $title } → { $stageName }
event-note-created = Добавлена заметка
event-note-deleted = Заметка удалена
event-reminder-created = Добавлено напоминание
event-reminder-updated = Напоминание изменено
event-reminder-deleted = Напоминание удалено
event-reminder-due = Пора выполнить напоминание: { $title }
event-pipeline-created = Новая воронка: { $pipeline }
event-pipeline-updated = Воронка изменена: { $pipeline }
event-pipeline-deleted = Воронка удалена
event-message-received = Новое сообщение в чате «{ $chat }»
event-message-sent = Отправлено сообщение в чат «{ $chat }»
event-message-updated = Сообщение изменено
event-message-read = Чат прочитан
event-conversation-updated = Чат изменён: { $chat }
event-conversation-typing = Кто-то печатает
event-folder-changed = Папки входящих изменены
event-account-connected = Подключён аккаунт Telegram: { $name }
event-account-updated = Состояние аккаунта Telegram изменилось
event-account-disconnected = Аккаунт Telegram отключён
event-account-needs_relogin = Аккаунту Telegram нужно войти заново
event-unknown = В пространстве что-то изменилось

## Хронология записи

timeline-created = Создано
timeline-edited = Изменено: { $fields }
timeline-stage_changed = Перемещено: { $from } → { $to }
timeline-stage_changed-reason = Перемещено: { $from } → { $to } ({ $reason })
timeline-note_added = Добавлена заметка: { $excerpt }
timeline-reminder_added = Добавлено напоминание: { $title }
timeline-reminder_done = Напоминание выполнено: { $title }
timeline-unknown = Изменено

field-title = название
field-valueMinor = сумма
field-currency = валюта
field-pipelineId = воронка
field-stageId = этап
field-ownerId = ответственный
field-contactId = контакт
field-companyId = компания
field-expectedCloseAt = ожидаемое закрытие
field-probability = вероятность
field-lostReason = причина проигрыша
field-firstName = имя
field-lastName = фамилия
field-displayName = отображаемое имя
field-email = эл. почта
field-phone = телефон
field-telegramUsername = имя пользователя Telegram
field-telegramUserId = ID пользователя Telegram
field-name = название
field-industry = отрасль
field-size = размер
field-website = сайт
field-description = описание

## Уведомления

toast-saved = Сохранено
toast-deleted = Удалено
toast-verification-resent = Отправлено: проверьте почту
toast-invite-sent = Приглашение отправлено
toast-link-created = Ссылка создана: скопируйте и отправьте её
toast-team-saved = Сохранено
toast-stages-reordered = Порядок сохранён
toast-pipeline-deleted = Удалено
toast-relogin-needed = Telegram завершил сеанс вашего аккаунта: подключите его снова во «Входящих»
toast-connection-works = Подключение работает
toast-connection-pending = Подключение аккаунта ещё не установлено; его статус появится здесь
toast-connection-unanswered = Telegram не ответил: { $reason }
toast-connection-problem = { $status ->
    [reconnecting] Подключение пока не работает; Parley продолжает попытки
    [flood_wait] Telegram просит этот аккаунт подождать с отправкой
    [needs_relogin] Telegram больше не принимает этот аккаунт: подключите его заново
   *[other] Аккаунт отключён
}
toast-file-too-large = Файлы — не больше 20 МБ
toast-resync-started = Синхронизация запущена
toast-account-disconnected = Аккаунт отключён
toast-chats-picked = Выбор сохранён
toast-contact-created-linked = Контакт создан и привязан
toast-telegram-app-saved = Приложение Telegram сохранено
toast-bot-connected = Бот подключён
toast-deal-moved = Сделка перенесена на этап «{ $stage }»
toast-company-has-deals = У компании есть сделки. Выберите, что с ними сделать.
toast-note-added = Заметка добавлена
toast-import-done = Импорт завершён
toast-error-generic = Что-то пошло не так. Попробуйте ещё раз.
toast-move-refused = Перемещение отклонено: { $reason }
toast-reminder-due = Пора выполнить напоминание: { $title }
toast-imported = { $count ->
    [one] Импортирована { $count } строка
    [few] Импортировано { $count } строки
   *[many] Импортировано { $count } строк
}

## Письма

email-invite-subject = { $inviter } приглашает вас в { $workspace } в Parley
email-invite-line1 = { $inviter } приглашает вас в рабочее пространство «{ $workspace }» в Parley, роль: { $role }.
email-invite-line2 = Чтобы принять приглашение, откройте ссылку (у неё есть срок действия):
email-invite-action = Принять приглашение
email-reset-subject = Сброс пароля Parley
email-reset-line1 = Кто-то запросил сброс пароля вашей учётной записи Parley.
email-reset-line2 = Откройте ссылку в течение часа, чтобы задать новый пароль. Если это были не вы, просто проигнорируйте письмо.
email-reset-action = Задать новый пароль
email-verify-subject = Подтвердите адрес электронной почты для Parley
email-verify-line1 = Откройте ссылку, чтобы подтвердить, что этот адрес ваш:
email-verify-action = Подтвердить адрес
email-change-subject = Подтвердите новый адрес электронной почты для Parley
email-change-line1 = Кто-то попросил использовать этот адрес для учётной записи Parley пользователя { $name }.
email-change-line2 = Откройте ссылку в течение суток, чтобы подтвердить его. Если это были не вы, просто проигнорируйте письмо.
email-change-action = Использовать этот адрес
email-changed-subject = Адрес почты вашей учётной записи Parley изменён
email-changed-line1 = Адрес почты вашей учётной записи Parley изменён на { $newEmail }. Вход и письма теперь идут на этот адрес.
email-changed-line2 = Если это были не вы, в течение недели откройте ссылку, чтобы вернуть свой адрес (все сеансы будут завершены), затем сбросьте пароль.
email-changed-action = Это был не я: вернуть адрес
email-relogin-subject = Подключите аккаунт Telegram { $account } к Parley заново
email-relogin-line1 = Telegram завершил сеанс Parley для вашего аккаунта { $account } (выход из аккаунта или завершённый сеанс). Чаты не синхронизируются и отправка невозможна, пока вы не подключите его снова.
email-relogin-line2 = Откройте ссылку, чтобы подключить аккаунт снова:
email-relogin-action = Подключить снова
