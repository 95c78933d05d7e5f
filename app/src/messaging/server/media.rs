//! Media files in a content-addressed store: `<media_dir>/<aa>/<sha256>`, written once
//! (temporary file, fsync, rename), so the same bytes are kept once however often they are
//! sent. The `media` row ties a file to a workspace; downloads check that row.

use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::server::db::Tx;
use crate::server::{now_ms, AppState};
use sha2::{Digest, Sha256};
use sqlx::Row as _;
use std::path::PathBuf;

/// A file to keep.
pub struct Upload {
    pub bytes: Vec<u8>,
    pub file_name: String,
    pub mime_type: String,
    /// `photo` or `document`.
    pub kind: &'static str,
}

fn path_of(state: &AppState, sha: &str) -> PathBuf {
    state.settings.media_dir().join(&sha[..2]).join(sha)
}

/// Writes the bytes to the store (if they are not there yet) and returns their hash.
pub async fn store_file(state: &AppState, bytes: &[u8]) -> Result<String, AppError> {
    let sha = hex::encode(Sha256::digest(bytes));
    let path = path_of(state, &sha);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(sha);
    }
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    let bytes = bytes.to_vec();
    let written = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write;
        std::fs::create_dir_all(&dir)?;
        let tmp = dir.join(format!(
            ".{}.{}",
            path.file_name().unwrap_or_default().to_string_lossy(),
            rand::random::<u64>()
        ));
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        std::fs::File::open(&dir)?.sync_all()
    })
    .await
    .map_err(|_| AppError::internal())?;
    written.map_err(|e| {
        tracing::error!(error = %e, "could not write a media file");
        AppError::internal()
    })?;
    Ok(sha)
}

/// Stores an upload and records it for the workspace, in the caller's transaction.
pub async fn insert(
    state: &AppState,
    tx: &mut Tx,
    workspace_id: i64,
    upload: &Upload,
) -> Result<i64, AppError> {
    let sha = store_file(state, &upload.bytes).await?;
    let id = sqlx::query_scalar(
        "INSERT INTO media (workspace_id, sha256, size, mime_type, file_name, kind, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(workspace_id)
    .bind(sha)
    .bind(upload.bytes.len() as i64)
    .bind(&upload.mime_type)
    .bind(&upload.file_name)
    .bind(upload.kind)
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// A stored file of the caller's workspace: (bytes, mime type, file name).
pub async fn read(
    state: &AppState,
    auth: &AuthContext,
    id: i64,
) -> Result<(Vec<u8>, String, String), AppError> {
    let row = sqlx::query(
        "SELECT sha256, mime_type, file_name FROM media WHERE id = $1 AND workspace_id = $2",
    )
    .bind(id)
    .bind(auth.workspace_id.0)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("File"))?;
    let sha: String = row.try_get("sha256")?;
    let bytes = read_file(state, &sha).await?;
    Ok((bytes, row.try_get("mime_type")?, row.try_get("file_name")?))
}

/// The bytes of a stored file by its hash.
pub async fn read_file(state: &AppState, sha: &str) -> Result<Vec<u8>, AppError> {
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::not_found("File"));
    }
    tokio::fs::read(path_of(state, sha)).await.map_err(|e| {
        tracing::error!(error = %e, sha, "a media file is missing from the store");
        AppError::not_found("File")
    })
}
