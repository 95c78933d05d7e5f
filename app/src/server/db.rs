//! One sqlx `AnyPool` over SQLite or PostgreSQL, with the backend's migrations.
//!
//! SQLite runs in WAL mode with `synchronous=FULL` (see docs/ARCHITECTURE.md for why),
//! foreign keys on and a busy timeout. SQLite has one writer at a time, so write transactions
//! take the one connection of a separate writer pool and start with `BEGIN IMMEDIATE`: writers
//! wait their turn in the pool's queue, first come first served, instead of meeting on the
//! file lock, where SQLite's busy handler sleeps in steps of up to 100 ms (a p99 of 233 ms for
//! 32 concurrent stage moves). Reads use the main pool and run beside the writer (WAL). The
//! writer does not checkpoint: a background task does (`checkpoint`), so no commit waits for
//! the WAL to be copied back.

use super::Settings;
use anyhow::Context;
use secrecy::ExposeSecret;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    /// Where write transactions start: on SQLite a pool of one connection, on PostgreSQL the
    /// main pool.
    writer: AnyPool,
    /// Where group commits write (the stage moves' batches): the writer on SQLite, on
    /// PostgreSQL a connection of its own, so a batch never queues behind the requests that
    /// fill the main pool.
    group_writer: AnyPool,
    /// Where the event sequencer numbers committed events: on PostgreSQL a connection of its
    /// own, so numbering never queues behind the requests that wait for it (unused on SQLite,
    /// which numbers events in the writing transaction).
    sequencer: AnyPool,
    pub backend: Backend,
    /// Write transactions waiting for the writer (on SQLite, the one connection).
    writers_waiting: std::sync::Arc<std::sync::atomic::AtomicI64>,
    /// Reads of a workspace's event sequence number, shared by the requests asking together.
    seq_reads: super::seq_reads::SeqReads,
}

pub type Tx = Transaction<'static, Any>;
pub type Row = AnyRow;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Connects (creating the SQLite file and its folder when needed).
    pub async fn connect(settings: &Settings) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if settings.uses_postgres() {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        if backend == Backend::Sqlite {
            std::fs::create_dir_all(&settings.data_dir).with_context(|| {
                format!(
                    "creating the data directory {}",
                    settings.data_dir.display()
                )
            })?;
        }
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10));
        let options = if backend == Backend::Sqlite {
            options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                    )
                    .await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let url = settings.database_url();
        // The writer never checkpoints on its own: copying the WAL back into the database
        // (and its fsync) would stall whichever commit crossed the threshold. The background
        // checkpointer (`checkpoint`) does it beside the writer instead.
        let writer_options = options
            .clone()
            .max_connections(1)
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                         PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;",
                    )
                    .await?;
                    Ok(())
                })
            });
        let pool = options
            .clone()
            .connect(url.expose_secret())
            .await
            .context("connecting to the database")?;
        let (writer, group_writer, sequencer) = match backend {
            Backend::Sqlite => {
                let writer = writer_options
                    .connect(url.expose_secret())
                    .await
                    .context("connecting to the database")?;
                (writer.clone(), writer.clone(), writer)
            }
            Backend::Postgres => {
                let one = options.max_connections(1);
                // Its batches number their events and commit synchronously in one
                // transaction (see `deals::server::moves`).
                let group_writer = one
                    .clone()
                    .connect(url.expose_secret())
                    .await
                    .context("connecting to the database")?;
                let sequencer = one
                    .connect(url.expose_secret())
                    .await
                    .context("connecting to the database")?;
                (pool.clone(), group_writer, sequencer)
            }
        };
        Ok(Db {
            pool,
            writer,
            group_writer,
            sequencer,
            backend,
            writers_waiting: Default::default(),
            seq_reads: Default::default(),
        })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .context("applying database migrations")
    }

    /// Whether the database answers and every migration has been applied.
    pub async fn ready(&self) -> bool {
        let expected = match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.iter().count(),
            Backend::Postgres => POSTGRES_MIGRATIONS.iter().count(),
        } as i64;
        let applied: Result<i64, _> =
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(&self.pool)
                .await;
        matches!(applied, Ok(n) if n >= expected)
    }

    /// Copies committed WAL pages into the SQLite database without blocking the writer or
    /// readers (`PASSIVE`); the server runs it continually (see `server/src/workers.rs`).
    /// Nothing to do on PostgreSQL.
    pub async fn checkpoint(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Where a single write statement outside a transaction goes (the writer on SQLite).
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// Where a group commit writes (see the field). On PostgreSQL its commits do not wait for
    /// the disk: write there only what is answered after the sequencer has published it.
    pub fn group_writer(&self) -> &AnyPool {
        &self.group_writer
    }

    /// Where the event sequencer writes (see the field).
    pub fn sequencer(&self) -> &AnyPool {
        &self.sequencer
    }

    /// A workspace's `event_seq` as of now (`None`: no such workspace): read after this call
    /// began, in one read shared with every request asking at the same moment (see
    /// [`SeqReads`](super::seq_reads::SeqReads)).
    pub async fn event_seq(&self, workspace_id: i64) -> Result<Option<i64>, sqlx::Error> {
        self.seq_reads.read(&self.pool, workspace_id).await
    }

    /// Starts a transaction that will write.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let _waiting = Waiting::new(&self.writers_waiting);
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writer.begin().await,
        }
    }

    /// Starts a transaction that will write and whose commit, on PostgreSQL, does not wait for
    /// the disk: only for writes answered after a later synchronous commit (the sequencer's,
    /// see `UnitOfWork::commit`), which flushes this one's WAL too. On SQLite, [`Db::begin`].
    pub async fn begin_flushed_later(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.begin().await,
            Backend::Postgres => {
                let _waiting = Waiting::new(&self.writers_waiting);
                self.writer
                    .begin_with("BEGIN; SET LOCAL synchronous_commit = off")
                    .await
            }
        }
    }

    /// Write transactions waiting for the writer now.
    pub fn writers_waiting(&self) -> i64 {
        self.writers_waiting
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Counts one waiter while it lives (a dropped future included).
struct Waiting<'a>(&'a std::sync::atomic::AtomicI64);

impl<'a> Waiting<'a> {
    fn new(count: &'a std::sync::atomic::AtomicI64) -> Waiting<'a> {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}
