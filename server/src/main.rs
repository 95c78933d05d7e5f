//! `parley`: the Parley server binary.

use app::server::Settings;

// mimalloc: measurably less time in malloc/free than glibc under many small per-request
// allocations (see bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load()?;
    server::telemetry::init(settings.log_format);
    tracing::info!(settings = ?settings, "starting Parley");
    let app = server::Application::build(settings).await?;
    tracing::info!(addr = %app.local_addr(), "listening");
    app.run_until(server::shutdown_signal()).await
}
