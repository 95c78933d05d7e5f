//! The emails' words, in English and Russian, as plain text and HTML.

use super::Mail;
use crate::i18n::{tr, Arg, Lang};

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
    /// A member asked to use this (new) address; it changes when the link is opened.
    EmailChange {
        name: &'a str,
        url: &'a str,
    },
    /// To the old address once the change is done; the link takes the address back.
    EmailChanged {
        new_email: &'a str,
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

/// The subject, the lines of the text part, the link the message is about and its button's
/// words, in `lang` (the `email-*` messages of the translation files).
fn words<'a>(template: &Template<'a>, lang: Lang) -> (String, Vec<String>, &'a str, String) {
    let (prefix, args, lines, url): (&str, Vec<(&str, Arg)>, usize, &'a str) = match template {
        Template::Invite {
            workspace,
            inviter,
            role,
            url,
        } => (
            "email-invite",
            vec![
                ("workspace", (*workspace).into()),
                ("inviter", (*inviter).into()),
                ("role", (*role).into()),
            ],
            2,
            url,
        ),
        Template::PasswordReset { url } => ("email-reset", vec![], 2, url),
        Template::VerifyEmail { url } => ("email-verify", vec![], 1, url),
        Template::EmailChange { name, url } => {
            ("email-change", vec![("name", (*name).into())], 2, url)
        }
        Template::EmailChanged { new_email, url } => (
            "email-changed",
            vec![("newEmail", (*new_email).into())],
            2,
            url,
        ),
        Template::TelegramRelogin { account, url } => (
            "email-relogin",
            vec![("account", (*account).into())],
            2,
            url,
        ),
    };
    let text = |part: &str| tr(lang, &format!("{prefix}-{part}"), &args);
    let body = (1..=lines).map(|n| text(&format!("line{n}"))).collect();
    (text("subject"), body, url, text("action"))
}

/// The message for `to` in `locale` (the member's `users.locale`; English when unknown).
pub fn render(template: &Template<'_>, locale: &str, to: &str) -> Mail {
    let (subject, lines, url, button) = words(template, Lang::parse(locale).unwrap_or_default());
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
        button = escape(&button),
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
        let mail = render(
            &Template::Invite {
                workspace: "Acme",
                inviter: "Анна",
                role: "менеджер",
                url: "u",
            },
            "ru",
            "a@b.c",
        );
        assert_eq!(mail.subject, "Анна приглашает вас в Acme в Parley");
        assert!(mail.html.contains("Принять приглашение"));
    }

    #[test]
    fn every_template_has_its_words_in_every_language() {
        let templates = [
            Template::Invite {
                workspace: "W",
                inviter: "I",
                role: "R",
                url: "u",
            },
            Template::PasswordReset { url: "u" },
            Template::VerifyEmail { url: "u" },
            Template::EmailChange {
                name: "N",
                url: "u",
            },
            Template::EmailChanged {
                new_email: "n@e.w",
                url: "u",
            },
            Template::TelegramRelogin {
                account: "A",
                url: "u",
            },
        ];
        for lang in Lang::ALL {
            for template in &templates {
                let (subject, lines, _, button) = words(template, lang);
                for text in std::iter::once(&subject).chain(&lines).chain([&button]) {
                    assert!(!text.starts_with("email-"), "{text} is missing in {lang:?}");
                }
            }
        }
    }
}
