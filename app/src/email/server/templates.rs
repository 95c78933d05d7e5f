//! The emails' words, in English and Russian, as plain text and HTML.

use super::Mail;

/// What an email says; rendered in the recipient's language.
pub enum Template<'a> {
    Invite {
        workspace: &'a str,
        inviter: &'a str,
        role: &'a str,
        url: &'a str,
    },
    PasswordReset {
        url: &'a str,
    },
    VerifyEmail {
        url: &'a str,
    },
    /// Telegram ended the session of the owner's account.
    TelegramRelogin {
        account: &'a str,
        url: &'a str,
    },
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The subject, the lines of the text part, and the link the message is about.
fn words<'a>(template: &Template<'a>, ru: bool) -> (String, Vec<String>, &'a str, &'static str) {
    match (template, ru) {
        (Template::Invite { workspace, inviter, role, url }, false) => (
            format!("{inviter} invited you to {workspace} on Parley"),
            vec![
                format!("{inviter} invited you to join the workspace \"{workspace}\" on Parley as {role}."),
                "Open this link to accept (it expires; ask for a new one if it has):".into(),
            ],
            url,
            "Accept the invitation",
        ),
        (Template::Invite { workspace, inviter, role, url }, true) => (
            format!("{inviter} приглашает вас в {workspace} в Parley"),
            vec![
                format!("{inviter} приглашает вас в рабочее пространство «{workspace}» в Parley, роль: {role}."),
                "Чтобы принять приглашение, откройте ссылку (у неё есть срок действия):".into(),
            ],
            url,
            "Принять приглашение",
        ),
        (Template::PasswordReset { url }, false) => (
            "Reset your Parley password".into(),
            vec![
                "Someone asked to reset the password of your Parley account.".into(),
                "Open this link within an hour to choose a new one. If it was not you, ignore this email."
                    .into(),
            ],
            url,
            "Choose a new password",
        ),
        (Template::PasswordReset { url }, true) => (
            "Сброс пароля Parley".into(),
            vec![
                "Кто-то запросил сброс пароля вашей учётной записи Parley.".into(),
                "Откройте ссылку в течение часа, чтобы задать новый пароль. Если это были не вы, просто проигнорируйте письмо."
                    .into(),
            ],
            url,
            "Задать новый пароль",
        ),
        (Template::VerifyEmail { url }, false) => (
            "Confirm your email address for Parley".into(),
            vec!["Open this link to confirm that this address is yours:".into()],
            url,
            "Confirm the address",
        ),
        (Template::TelegramRelogin { account, url }, false) => (
            format!("Connect your Telegram account {account} to Parley again"),
            vec![
                format!("Telegram ended Parley's session of your account {account} (it was logged out or the session was terminated). Its chats are not synced and nothing can be sent from it until you connect it again."),
                "Open this link to connect it again:".into(),
            ],
            url,
            "Connect again",
        ),
        (Template::TelegramRelogin { account, url }, true) => (
            format!("Подключите аккаунт Telegram {account} к Parley заново"),
            vec![
                format!("Telegram завершил сеанс Parley для вашего аккаунта {account} (выход из аккаунта или завершённый сеанс). Чаты не синхронизируются и отправка невозможна, пока вы не подключите его снова."),
                "Откройте ссылку, чтобы подключить аккаунт снова:".into(),
            ],
            url,
            "Подключить снова",
        ),
        (Template::VerifyEmail { url }, true) => (
            "Подтвердите адрес почты для Parley".into(),
            vec!["Откройте ссылку, чтобы подтвердить, что это ваш адрес:".into()],
            url,
            "Подтвердить адрес",
        ),
    }
}

/// The message for `to` in `locale` (`ru`, else English).
pub fn render(template: &Template<'_>, locale: &str, to: &str) -> Mail {
    let (subject, lines, url, button) = words(template, locale == "ru");
    let mut text = lines.join("\n\n");
    text.push_str(&format!("\n\n{url}\n"));
    let paragraphs: String = lines
        .iter()
        .map(|l| format!("<p>{}</p>", escape(l)))
        .collect();
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">{paragraphs}\
         <p><a href=\"{href}\" style=\"display:inline-block;padding:8px 16px;background:#2563eb;\
         color:#fff;border-radius:6px;text-decoration:none\">{button}</a></p>\
         <p style=\"color:#666;font-size:12px\">{href}</p></body></html>",
        href = escape(url),
        button = escape(button),
    );
    Mail {
        to: to.to_string(),
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_html_and_kept_in_text() {
        let mail = render(
            &Template::Invite {
                workspace: "<b>Acme</b>",
                inviter: "Ann & Bo",
                role: "rep",
                url: "http://x/join?token=a&b",
            },
            "en",
            "new@example.com",
        );
        assert!(mail.html.contains("&lt;b&gt;Acme&lt;/b&gt;"));
        assert!(!mail.html.contains("<b>Acme"));
        assert!(mail.html.contains("token=a&amp;b"));
        assert!(mail.text.contains("\"<b>Acme</b>\""));
        assert!(mail.text.contains("http://x/join?token=a&b"));
    }

    #[test]
    fn russian_recipients_get_russian() {
        let mail = render(&Template::PasswordReset { url: "u" }, "ru", "a@b.c");
        assert_eq!(mail.subject, "Сброс пароля Parley");
    }
}
