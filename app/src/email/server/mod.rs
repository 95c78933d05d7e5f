//! Sending email. A message is queued as a durable job in the transaction that needs it (an
//! invitation, a reset request), sealed with the server key because it carries a single-use
//! link; the job worker sends it by SMTP with retries, or writes it to the outbox.

pub mod templates;

use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::email::OutboxMessage;
use crate::error::AppError;
use crate::server::config::SmtpTls;
use crate::server::db::Tx;
use crate::server::jobs::{self, Job, JobKind, Outcome};
use crate::server::{now_ms, AppState, Settings};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// The job that sends one email.
pub struct SendEmail;

/// The mail, sealed (it may carry single-use links), and its workspace (the outbox folder).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailPayload {
    pub mail: String,
    pub workspace_id: Option<i64>,
}

/// The email domain's job kinds.
pub fn register_jobs(jobs: &mut jobs::JobRegistry) {
    jobs.register::<SendEmail>();
}

impl JobKind for SendEmail {
    const KIND: &'static str = "email.send";
    type Payload = EmailPayload;

    async fn run(state: &AppState, job: &Job, payload: EmailPayload) -> Result<(), AppError> {
        deliver(state, job, payload).await
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Where mail goes: an SMTP server, or files under `<data_dir>/outbox`.
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Mailer> {
        let Some(host) = settings.smtp_host.as_deref().filter(|h| !h.is_empty()) else {
            return Ok(Mailer::Outbox(settings.data_dir.join("outbox")));
        };
        let builder = match settings.smtp_tls {
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        let mut builder = builder
            .port(settings.smtp_port)
            .timeout(Some(Duration::from_secs(30)));
        if let (Some(user), Some(password)) = (&settings.smtp_username, &settings.smtp_password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_string(),
            ));
        }
        Ok(Mailer::Smtp(builder.build()))
    }
}

/// Queues `mail` in the caller's transaction; wake the workers (`state.jobs_wake`) after the commit.
pub async fn queue(
    tx: &mut Tx,
    state: &AppState,
    workspace_id: Option<i64>,
    mail: &Mail,
) -> Result<(), AppError> {
    let sealed = state
        .secrets
        .seal(&serde_json::to_string(mail).map_err(|_| AppError::internal())?);
    let payload = EmailPayload {
        mail: sealed,
        workspace_id,
    };
    jobs::enqueue::<SendEmail>(tx, workspace_id, &payload, now_ms()).await?;
    Ok(())
}

/// The job handler: sends one queued email.
async fn deliver(state: &AppState, job: &Job, payload: EmailPayload) -> Result<(), AppError> {
    let outcome = match open(state, &payload.mail) {
        Ok(mail) => match send(state, job, payload.workspace_id, &mail).await {
            Ok(()) => Outcome::Done,
            Err(SendError::Permanent(why)) => Outcome::Failed(why),
            Err(SendError::Transient(why)) if job.attempts < job.max_attempts => {
                Outcome::Later(now_ms() + jobs::backoff_ms(job.attempts), why)
            }
            Err(SendError::Transient(why)) => Outcome::Failed(why),
        },
        Err(why) => Outcome::Failed(why),
    };
    if let Outcome::Failed(why) | Outcome::Later(_, why) = &outcome {
        tracing::warn!(job = job.id, error = %why, "an email was not sent");
    }
    let mut tx = state.db.begin().await?;
    jobs::finish(&mut tx, job.id, &outcome).await?;
    tx.commit().await?;
    Ok(())
}

fn open(state: &AppState, sealed: &str) -> Result<Mail, String> {
    let plain = state
        .secrets
        .open(sealed)
        .map_err(|_| "the message does not open with this server's key".to_string())?;
    serde_json::from_str(plain.expose_secret()).map_err(|e| e.to_string())
}

enum SendError {
    Permanent(String),
    Transient(String),
}

async fn send(
    state: &AppState,
    job: &Job,
    workspace_id: Option<i64>,
    mail: &Mail,
) -> Result<(), SendError> {
    let from: Mailbox = state
        .settings
        .mail_from
        .parse()
        .map_err(|e| SendError::Permanent(format!("mail_from is not an address: {e}")))?;
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| SendError::Permanent(format!("not an address: {e}")))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))
        .map_err(|e| SendError::Permanent(e.to_string()))?;
    match &state.mailer() {
        Mailer::Smtp(transport) => match transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        },
        Mailer::Outbox(dir) => write_outbox(dir, job, workspace_id, mail, &message.formatted())
            .await
            .map_err(|e| SendError::Transient(format!("writing the outbox: {e}"))),
    }
}

fn outbox_folder(dir: &std::path::Path, workspace_id: Option<i64>) -> PathBuf {
    match workspace_id {
        Some(id) => dir.join(id.to_string()),
        None => dir.join("system"),
    }
}

/// Writes `<time>-<job>.eml` (the message as sent) and a `.json` summary the app lists.
async fn write_outbox(
    dir: &std::path::Path,
    job: &Job,
    workspace_id: Option<i64>,
    mail: &Mail,
    raw: &[u8],
) -> std::io::Result<()> {
    let folder = outbox_folder(dir, workspace_id);
    tokio::fs::create_dir_all(&folder).await?;
    let now = now_ms();
    let stem = format!("{now}-{}", job.id);
    let summary = OutboxMessage {
        file: format!("{stem}.eml"),
        to: mail.to.clone(),
        subject: mail.subject.clone(),
        text: mail.text.clone(),
        created_at: now,
    };
    write_whole(&folder.join(format!("{stem}.eml")), raw).await?;
    let json = serde_json::to_vec(&summary).map_err(std::io::Error::other)?;
    write_whole(&folder.join(format!("{stem}.json")), &json).await
}

/// Writes a file so that readers (and a restart after a crash) see all of it or nothing: into
/// a temporary name, flushed to disk, then renamed into place.
async fn write_whole(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt as _;
    let partial = path.with_extension("partial");
    let mut file = tokio::fs::File::create(&partial).await?;
    file.write_all(bytes).await?;
    file.sync_all().await?;
    drop(file);
    tokio::fs::rename(&partial, path).await
}

/// The outbox of the caller's workspace, newest first (owners and admins; empty when mail goes
/// out by SMTP).
pub async fn outbox(state: &AppState, auth: &AuthContext) -> Result<Vec<OutboxMessage>, AppError> {
    auth.require(Action::ManageWorkspace)?;
    let Mailer::Outbox(dir) = &state.mailer() else {
        return Ok(Vec::new());
    };
    let folder = outbox_folder(dir, Some(auth.workspace_id.0));
    let mut entries = match tokio::fs::read_dir(&folder).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            tracing::error!(error = %e, "reading the outbox");
            return Err(AppError::internal());
        }
    };
    let mut messages = Vec::new();
    while let Ok(Some(entry)) = entries.next_entry().await {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            if let Ok(bytes) = tokio::fs::read(&path).await {
                if let Ok(message) = serde_json::from_slice::<OutboxMessage>(&bytes) {
                    messages.push(message);
                }
            }
        }
    }
    messages.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.file.cmp(&a.file)));
    messages.truncate(200);
    Ok(messages)
}

impl crate::server::AppState {
    /// Where email goes: SMTP or the local outbox.
    pub fn mailer(&self) -> &Mailer {
        self.part()
    }
}
