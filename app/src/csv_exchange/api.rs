//! Server functions of the import page; each delegates to `import`.

use crate::error::AppError;
use leptos::prelude::*;

/// Reads a CSV file's header, suggests a mapping and shows what the first rows would do.
#[server(prefix = "/sfn", endpoint = "preview_contact_import", input = leptos::server_fn::codec::Json)]
pub async fn preview_contact_import(
    request: super::ImportRequest,
) -> Result<super::ImportPreview, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::import::preview(&state, &auth, &request).await
    })
    .await
}

/// Imports contacts from a CSV file with a column mapping.
#[server(prefix = "/sfn", endpoint = "import_contacts", input = leptos::server_fn::codec::Json)]
pub async fn import_contacts(
    request: super::ImportRequest,
) -> Result<super::ImportReport, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::import::import(&state, &auth, &request).await
    })
    .await
}
