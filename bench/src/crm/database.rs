//! The PostgreSQL database of a `crm` run: created next to the admin connection's, dropped
//! (with any connections still open) when the run ends, however it ends.

use anyhow::{Context, Result};
use sqlx::{AssertSqlSafe, Connection, PgConnection};

pub struct Throwaway {
    admin_url: String,
    name: String,
    /// The connection URL of the new database.
    pub url: String,
}

impl Throwaway {
    pub async fn create(admin_url: &str) -> Result<Throwaway> {
        let name = format!(
            "parley_bench_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_millis()
        );
        let mut conn = PgConnection::connect(admin_url)
            .await
            .with_context(|| format!("connecting to PostgreSQL at {admin_url}"))?;
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut conn)
            .await
            .with_context(|| format!("creating database {name}"))?;
        let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
        Ok(Throwaway {
            admin_url: admin_url.to_string(),
            url: format!("{base}/{name}"),
            name,
        })
    }
}

impl Drop for Throwaway {
    fn drop(&mut self) {
        // Drop may run inside the benchmark's runtime, which can't block on itself: use a
        // thread with its own.
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || -> Result<()> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let mut conn = PgConnection::connect(&admin_url).await?;
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await?;
                Ok(())
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => eprintln!("dropped database {}", self.name),
            _ => eprintln!("could not drop database {}: drop it by hand", self.name),
        }
    }
}
