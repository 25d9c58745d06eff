//! The database: documents with their version history, and access tokens, on SQLite or
//! PostgreSQL with the same SQL.
//!
//! Every write is one transaction guarded by the version the client read (a compare-and-set
//! `UPDATE … WHERE version = $expected`): two clients that read version 7 cannot both write
//! version 8, on either database. On SQLite all writes go through one connection (SQLite
//! allows one writer at a time anyway; queueing in the pool is fairer than its busy-wait), and
//! reads through a pool of their own; WAL mode with `synchronous=FULL` makes a commit durable
//! before the client is told it succeeded.

use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Row, SqlitePool};

/// Ordered migrations, the same for both databases. Append only: an applied migration is never
/// edited.
const MIGRATIONS: &[(i64, &str, &str)] =
    &[(1, "init", include_str!("../migrations/0001_init.sql"))];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error(
        "unsupported database URL {0:?}: use sqlite://FILE (created if missing) or \
         postgres://USER:PASSWORD@HOST:PORT/DATABASE"
    )]
    UnsupportedUrl(String),
    #[error(
        "the database was migrated by a newer prisme-server (schema version {found}; this one \
         knows up to {known}): update prisme-server"
    )]
    SchemaTooNew { found: i64, known: i64 },
}

impl StoreError {
    /// The database could not take the request now (pool exhausted, locked): worth a retry.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::PoolTimedOut) => true,
            StoreError::Database(sqlx::Error::Database(e)) => {
                // SQLite's SQLITE_BUSY (5) and SQLITE_LOCKED (6), PostgreSQL's
                // serialization failure and deadlock.
                matches!(e.code().as_deref(), Some("5" | "6" | "40001" | "40P01"))
            }
            _ => false,
        }
    }
}

/// What a workspace holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Report,
    Datamart,
}

impl Kind {
    /// The collection's name in paths (`/reports/`, `/datamarts/`).
    pub fn from_collection(s: &str) -> Option<Kind> {
        match s {
            "reports" => Some(Kind::Report),
            "datamarts" => Some(Kind::Datamart),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Report => "report",
            Kind::Datamart => "datamart",
        }
    }
}

/// Which document.
#[derive(Debug, Clone, Copy)]
pub struct Key<'a> {
    pub workspace: &'a str,
    pub kind: Kind,
    pub id: &'a str,
}

/// What a client saves.
#[derive(Debug, Clone, Copy)]
pub struct Content<'a> {
    pub name: &'a str,
    /// The document's JSON text, stored and served byte for byte.
    pub document: &'a str,
    pub author: &'a str,
}

/// A document's metadata (one version of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub id: String,
    pub name: String,
    pub version: i64,
    pub author: String,
    /// Milliseconds since 1970-01-01 UTC.
    pub created_at: i64,
    pub updated_at: i64,
    pub size: i64,
}

#[derive(Debug, Clone)]
pub struct Doc {
    pub meta: Meta,
    pub document: String,
}

/// A document's kept versions, newest first.
#[derive(Debug, Clone)]
pub struct History {
    pub current_version: i64,
    pub deleted: bool,
    pub versions: Vec<Meta>,
}

/// Why a write was not done; the caller tells the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such document (or it was deleted).
    NotFound,
    /// The document is at this version, not the one the client sent.
    Stale(i64),
    /// The version to restore is not (or no longer) in the history.
    NoSuchVersion,
}

/// How a create went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    New(Meta),
    /// The same name and document were already there: a retried create, answered again.
    Replayed(Meta),
}

/// A token's rights, as stored.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub secret_hash: String,
    pub workspace: String,
    pub can_write: bool,
    pub label: String,
}

/// A token as `token list` shows it (never its secret).
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub id: String,
    pub workspace: String,
    pub can_write: bool,
    pub label: String,
    pub created_at: i64,
    pub revoked: bool,
}

#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Versions kept per document, the current one included.
    pub history: u32,
    /// PostgreSQL connections (SQLite uses one writer and a few readers).
    pub max_connections: u32,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            history: 50,
            max_connections: 10,
        }
    }
}

#[derive(Clone)]
enum Db {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

#[derive(Clone)]
pub struct Store {
    db: Db,
    history: i64,
}

/// Runs `$body` once per driver with `$pool` bound to the pool for reads. The body is the same
/// text for both: the SQL is portable and sqlx's row API is the same.
macro_rules! read {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.db {
            Db::Sqlite { read: $pool, .. } => $body,
            Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` inside a write transaction `$tx`. SQLite's is `BEGIN IMMEDIATE` so that it
/// takes the write lock at once instead of failing to upgrade a read lock later.
macro_rules! write_tx {
    ($store:expr, |$tx:ident| $body:expr) => {
        match &$store.db {
            Db::Sqlite { write, .. } => {
                #[allow(unused_mut)]
                let mut $tx = write.begin_with("BEGIN IMMEDIATE").await?;
                $body
            }
            Db::Postgres(pool) => {
                #[allow(unused_mut)]
                let mut $tx = pool.begin().await?;
                $body
            }
        }
    };
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The current content is the history's row of the current version: stored once.
const SELECT_DOC: &str = "SELECT d.version, d.name, v.document, d.size, d.author, d.created_at, \
     d.updated_at FROM documents d JOIN versions v ON v.workspace = d.workspace \
     AND v.kind = d.kind AND v.id = d.id AND v.version = d.version \
     WHERE d.workspace = $1 AND d.kind = $2 AND d.id = $3 AND d.deleted = FALSE";
const SELECT_STATE: &str =
    "SELECT version, deleted FROM documents WHERE workspace = $1 AND kind = $2 AND id = $3";
const LIST_DOCS: &str = "SELECT id, version, name, size, author, created_at, updated_at \
     FROM documents WHERE workspace = $1 AND kind = $2 AND deleted = FALSE ORDER BY id";
const INSERT_DOC: &str = "INSERT INTO documents \
     (workspace, kind, id, version, name, size, author, created_at, updated_at, deleted) \
     VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $7, FALSE) \
     ON CONFLICT (workspace, kind, id) DO NOTHING";
/// Creating a deleted document again continues its version numbers.
const REVIVE_DOC: &str = "UPDATE documents SET version = version + 1, name = $4, size = $5, \
     author = $6, created_at = $7, updated_at = $7, deleted = FALSE \
     WHERE workspace = $1 AND kind = $2 AND id = $3 AND deleted = TRUE RETURNING version";
const UPDATE_DOC: &str = "UPDATE documents SET version = version + 1, name = $4, size = $5, \
     author = $6, updated_at = $7 \
     WHERE workspace = $1 AND kind = $2 AND id = $3 AND version = $8 AND deleted = FALSE \
     RETURNING version, created_at";
/// A restore also brings a deleted document back.
const RESTORE_DOC: &str = "UPDATE documents SET version = version + 1, name = $4, size = $5, \
     author = $6, updated_at = $7, deleted = FALSE \
     WHERE workspace = $1 AND kind = $2 AND id = $3 AND version = $8 \
     RETURNING version, created_at";
const DELETE_DOC: &str = "UPDATE documents SET version = version + 1, size = 0, \
     author = $4, updated_at = $5, deleted = TRUE \
     WHERE workspace = $1 AND kind = $2 AND id = $3 AND version = $6 AND deleted = FALSE \
     RETURNING version";
const INSERT_VERSION: &str = "INSERT INTO versions \
     (workspace, kind, id, version, name, document, size, author, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
const PRUNE_VERSIONS: &str = "DELETE FROM versions \
     WHERE workspace = $1 AND kind = $2 AND id = $3 AND version <= $4";
const LIST_VERSIONS: &str = "SELECT version, name, size, author, created_at FROM versions \
     WHERE workspace = $1 AND kind = $2 AND id = $3 ORDER BY version DESC";
const SELECT_VERSION: &str = "SELECT version, name, document, size, author, created_at \
     FROM versions WHERE workspace = $1 AND kind = $2 AND id = $3 AND version = $4";

const INSERT_TOKEN: &str = "INSERT INTO tokens \
     (id, secret_hash, workspace, can_write, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)";
const SELECT_TOKEN: &str = "SELECT secret_hash, workspace, can_write, label FROM tokens \
     WHERE id = $1 AND revoked_at IS NULL";
const LIST_TOKENS: &str = "SELECT id, workspace, can_write, label, created_at, revoked_at \
     FROM tokens ORDER BY workspace, created_at, id";
const REVOKE_TOKEN: &str = "UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";

const CREATE_MIGRATIONS: &str = "CREATE TABLE IF NOT EXISTS prisme_migrations \
     (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
const LAST_MIGRATION: &str = "SELECT MAX(version) FROM prisme_migrations";
const RECORD_MIGRATION: &str =
    "INSERT INTO prisme_migrations (version, name, applied_at) VALUES ($1, $2, $3)";

/// Records version `$v` of the content in the history and forgets the versions past the
/// history's length, inside transaction `$tx`.
macro_rules! record_version {
    ($store:expr, $tx:ident, $key:expr, $content:expr, $v:expr, $now:expr) => {{
        sqlx::query(INSERT_VERSION)
            .bind($key.workspace)
            .bind($key.kind.as_str())
            .bind($key.id)
            .bind($v)
            .bind($content.name)
            .bind($content.document)
            .bind($content.document.len() as i64)
            .bind($content.author)
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        sqlx::query(PRUNE_VERSIONS)
            .bind($key.workspace)
            .bind($key.kind.as_str())
            .bind($key.id)
            .bind($v - $store.history)
            .execute(&mut *$tx)
            .await?;
    }};
}

fn meta_from_row<R>(id: &str, row: &R) -> Result<Meta, sqlx::Error>
where
    R: Row,
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(Meta {
        id: id.to_string(),
        version: row.try_get("version")?,
        name: row.try_get("name")?,
        size: row.try_get("size")?,
        author: row.try_get("author")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// A history row's metadata: a version was saved at its `created_at`.
fn version_meta_from_row<R>(id: &str, row: &R) -> Result<Meta, sqlx::Error>
where
    R: Row,
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let saved: i64 = row.try_get("created_at")?;
    Ok(Meta {
        id: id.to_string(),
        version: row.try_get("version")?,
        name: row.try_get("name")?,
        size: row.try_get("size")?,
        author: row.try_get("author")?,
        created_at: saved,
        updated_at: saved,
    })
}

impl Store {
    /// Opens (creating a SQLite file if missing) and migrates the database at `url`.
    pub async fn open(url: &str, options: &StoreOptions) -> Result<Store, StoreError> {
        let db = if url.starts_with("sqlite:") {
            let base = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10));
            // The writer opens first and switches the file to WAL (a setting the file keeps),
            // so that readers never see another journal mode.
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(base.clone().journal_mode(SqliteJournalMode::Wal))
                .await?;
            let read = SqlitePoolOptions::new()
                .max_connections(4)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(base)
                .await?;
            Db::Sqlite { read, write }
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections.max(1))
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(PgConnectOptions::from_str(url)?)
                .await?;
            Db::Postgres(pool)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        let store = Store {
            db,
            history: i64::from(options.history.max(1)),
        };
        store.migrate().await?;
        Ok(store)
    }

    pub fn backend(&self) -> &'static str {
        match self.db {
            Db::Sqlite { .. } => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Applies the migrations this database lacks, all in one transaction.
    async fn migrate(&self) -> Result<(), StoreError> {
        let known = MIGRATIONS.last().map_or(0, |m| m.0);
        write_tx!(self, |tx| {
            sqlx::raw_sql(CREATE_MIGRATIONS).execute(&mut *tx).await?;
            let applied: Option<i64> = sqlx::query(LAST_MIGRATION)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            let applied = applied.unwrap_or(0);
            if applied > known {
                return Err(StoreError::SchemaTooNew {
                    found: applied,
                    known,
                });
            }
            for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > applied) {
                sqlx::raw_sql(sql).execute(&mut *tx).await?;
                sqlx::query(RECORD_MIGRATION)
                    .bind(version)
                    .bind(name)
                    .bind(now_ms())
                    .execute(&mut *tx)
                    .await?;
                tracing::info!(version, name, "applied migration");
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The database answers a query.
    pub async fn ready(&self) -> Result<(), StoreError> {
        read!(self, |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Waits for the connections in use to be returned, then closes them.
    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }

    pub async fn list(&self, workspace: &str, kind: Kind) -> Result<Vec<Meta>, StoreError> {
        read!(self, |pool| {
            let rows = sqlx::query(LIST_DOCS)
                .bind(workspace)
                .bind(kind.as_str())
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let id: String = row.try_get("id")?;
                out.push(meta_from_row(&id, row)?);
            }
            Ok(out)
        })
    }

    pub async fn get(&self, key: &Key<'_>) -> Result<Option<Doc>, StoreError> {
        read!(self, |pool| {
            let row = sqlx::query(SELECT_DOC)
                .bind(key.workspace)
                .bind(key.kind.as_str())
                .bind(key.id)
                .fetch_optional(pool)
                .await?;
            match row {
                Some(row) => Ok(Some(Doc {
                    meta: meta_from_row(key.id, &row)?,
                    document: row.try_get("document")?,
                })),
                None => Ok(None),
            }
        })
    }

    /// The document's version and whether it is deleted, if it was ever created.
    async fn state(&self, key: &Key<'_>) -> Result<Option<(i64, bool)>, StoreError> {
        read!(self, |pool| {
            let row = sqlx::query(SELECT_STATE)
                .bind(key.workspace)
                .bind(key.kind.as_str())
                .bind(key.id)
                .fetch_optional(pool)
                .await?;
            match row {
                Some(row) => Ok(Some((row.try_get("version")?, row.try_get("deleted")?))),
                None => Ok(None),
            }
        })
    }

    /// Why a guarded write did not apply.
    async fn refusal(&self, key: &Key<'_>) -> Result<Refusal, StoreError> {
        Ok(match self.state(key).await? {
            None | Some((_, true)) => Refusal::NotFound,
            // The guarded write did not apply, so this is not the version the client sent.
            Some((current, false)) => Refusal::Stale(current),
        })
    }

    /// Creates the document at version 1 (or, if it was deleted, at the version after its
    /// deletion). If it exists with the same name and document, this is a retry: answered
    /// with the existing version. Otherwise refused as stale.
    pub async fn create(
        &self,
        key: &Key<'_>,
        content: &Content<'_>,
    ) -> Result<Result<Created, Refusal>, StoreError> {
        let now = now_ms();
        let size = content.document.len() as i64;
        let version: Option<i64> = write_tx!(self, |tx| {
            let inserted = sqlx::query(INSERT_DOC)
                .bind(key.workspace)
                .bind(key.kind.as_str())
                .bind(key.id)
                .bind(content.name)
                .bind(size)
                .bind(content.author)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            let version = if inserted {
                Some(1)
            } else {
                match sqlx::query(REVIVE_DOC)
                    .bind(key.workspace)
                    .bind(key.kind.as_str())
                    .bind(key.id)
                    .bind(content.name)
                    .bind(size)
                    .bind(content.author)
                    .bind(now)
                    .fetch_optional(&mut *tx)
                    .await?
                {
                    Some(row) => Some(row.try_get::<i64, _>(0)?),
                    None => None,
                }
            };
            if let Some(v) = version {
                record_version!(self, tx, key, content, v, now);
                tx.commit().await?;
            }
            version
        });
        if let Some(version) = version {
            return Ok(Ok(Created::New(Meta {
                id: key.id.to_string(),
                name: content.name.to_string(),
                version,
                author: content.author.to_string(),
                created_at: now,
                updated_at: now,
                size,
            })));
        }
        match self.get(key).await? {
            Some(doc) if doc.meta.name == content.name && doc.document == content.document => {
                Ok(Ok(Created::Replayed(doc.meta)))
            }
            Some(doc) => Ok(Err(Refusal::Stale(doc.meta.version))),
            // Deleted between the two statements: the client may simply retry.
            None => Ok(Err(Refusal::NotFound)),
        }
    }

    /// Saves a new version if the document is at `expected`.
    pub async fn update(
        &self,
        key: &Key<'_>,
        expected: i64,
        content: &Content<'_>,
    ) -> Result<Result<Meta, Refusal>, StoreError> {
        self.replace(key, expected, content, UPDATE_DOC).await
    }

    /// Whether an update guarded by `expected` can apply now: a read, so that a stale write is
    /// refused before its document is validated and without queueing for the writer (under
    /// contention most attempts are stale). The update itself checks again, atomically.
    pub async fn precheck(
        &self,
        key: &Key<'_>,
        expected: i64,
    ) -> Result<Result<(), Refusal>, StoreError> {
        Ok(match self.state(key).await? {
            None | Some((_, true)) => Err(Refusal::NotFound),
            Some((current, false)) if current != expected => Err(Refusal::Stale(current)),
            Some(_) => Ok(()),
        })
    }

    /// Saves version `version` from the history as a new version, if the document is at
    /// `expected` (a deleted document included).
    pub async fn restore(
        &self,
        key: &Key<'_>,
        version: i64,
        expected: i64,
        author: &str,
    ) -> Result<Result<Meta, Refusal>, StoreError> {
        let Some(old) = self.version(key, version).await? else {
            return Ok(Err(Refusal::NoSuchVersion));
        };
        let content = Content {
            name: &old.meta.name,
            document: &old.document,
            author,
        };
        match self.replace(key, expected, &content, RESTORE_DOC).await? {
            Ok(meta) => Ok(Ok(meta)),
            Err(_) => Ok(Err(match self.state(key).await? {
                None => Refusal::NotFound,
                Some((current, _)) => Refusal::Stale(current),
            })),
        }
    }

    /// The compare-and-set: `sql` (UPDATE_DOC or RESTORE_DOC) bumps the version only if it
    /// is still `expected`; the new version goes into the history in the same transaction.
    async fn replace(
        &self,
        key: &Key<'_>,
        expected: i64,
        content: &Content<'_>,
        sql: &'static str,
    ) -> Result<Result<Meta, Refusal>, StoreError> {
        let now = now_ms();
        let size = content.document.len() as i64;
        let saved: Option<(i64, i64)> = write_tx!(self, |tx| {
            let row = sqlx::query(sql)
                .bind(key.workspace)
                .bind(key.kind.as_str())
                .bind(key.id)
                .bind(content.name)
                .bind(size)
                .bind(content.author)
                .bind(now)
                .bind(expected)
                .fetch_optional(&mut *tx)
                .await?;
            match row {
                Some(row) => {
                    let v: i64 = row.try_get("version")?;
                    let created: i64 = row.try_get("created_at")?;
                    record_version!(self, tx, key, content, v, now);
                    tx.commit().await?;
                    Some((v, created))
                }
                None => None,
            }
        });
        match saved {
            Some((version, created_at)) => Ok(Ok(Meta {
                id: key.id.to_string(),
                name: content.name.to_string(),
                version,
                author: content.author.to_string(),
                created_at,
                updated_at: now,
                size,
            })),
            None => Ok(Err(self.refusal(key).await?)),
        }
    }

    /// Deletes the document if it is at `expected`. Its history stays, so that a deletion
    /// can be undone with a restore.
    pub async fn delete(
        &self,
        key: &Key<'_>,
        expected: i64,
        author: &str,
    ) -> Result<Result<i64, Refusal>, StoreError> {
        let now = now_ms();
        let deleted: Option<i64> = write_tx!(self, |tx| {
            let row = sqlx::query(DELETE_DOC)
                .bind(key.workspace)
                .bind(key.kind.as_str())
                .bind(key.id)
                .bind(author)
                .bind(now)
                .bind(expected)
                .fetch_optional(&mut *tx)
                .await?;
            match row {
                Some(row) => {
                    let v: i64 = row.try_get(0)?;
                    tx.commit().await?;
                    Some(v)
                }
                None => None,
            }
        });
        match deleted {
            Some(v) => Ok(Ok(v)),
            None => Ok(Err(self.refusal(key).await?)),
        }
    }

    /// The kept versions, newest first; `None` if the document never existed.
    pub async fn history(&self, key: &Key<'_>) -> Result<Option<History>, StoreError> {
        let Some((current_version, deleted)) = self.state(key).await? else {
            return Ok(None);
        };
        let versions = read!(self, |pool| {
            let rows = sqlx::query(LIST_VERSIONS)
                .bind(key.workspace)
                .bind(key.kind.as_str())
                .bind(key.id)
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(version_meta_from_row(key.id, row)?);
            }
            out
        });
        Ok(Some(History {
            current_version,
            deleted,
            versions,
        }))
    }

    /// One kept version.
    pub async fn version(&self, key: &Key<'_>, version: i64) -> Result<Option<Doc>, StoreError> {
        read!(self, |pool| {
            let row = sqlx::query(SELECT_VERSION)
                .bind(key.workspace)
                .bind(key.kind.as_str())
                .bind(key.id)
                .bind(version)
                .fetch_optional(pool)
                .await?;
            match row {
                Some(row) => Ok(Some(Doc {
                    meta: version_meta_from_row(key.id, &row)?,
                    document: row.try_get("document")?,
                })),
                None => Ok(None),
            }
        })
    }

    pub async fn insert_token(
        &self,
        id: &str,
        secret_hash: &str,
        workspace: &str,
        can_write: bool,
        label: &str,
    ) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            sqlx::query(INSERT_TOKEN)
                .bind(id)
                .bind(secret_hash)
                .bind(workspace)
                .bind(can_write)
                .bind(label)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// A live (not revoked) token.
    pub async fn token(&self, id: &str) -> Result<Option<TokenRecord>, StoreError> {
        read!(self, |pool| {
            let row = sqlx::query(SELECT_TOKEN)
                .bind(id)
                .fetch_optional(pool)
                .await?;
            match row {
                Some(row) => Ok(Some(TokenRecord {
                    secret_hash: row.try_get("secret_hash")?,
                    workspace: row.try_get("workspace")?,
                    can_write: row.try_get("can_write")?,
                    label: row.try_get("label")?,
                })),
                None => Ok(None),
            }
        })
    }

    pub async fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        read!(self, |pool| {
            let rows = sqlx::query(LIST_TOKENS).fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let revoked_at: Option<i64> = row.try_get("revoked_at")?;
                out.push(TokenInfo {
                    id: row.try_get("id")?,
                    workspace: row.try_get("workspace")?,
                    can_write: row.try_get("can_write")?,
                    label: row.try_get("label")?,
                    created_at: row.try_get("created_at")?,
                    revoked: revoked_at.is_some(),
                });
            }
            Ok(out)
        })
    }

    /// Revokes a token; false if there was no live token with that id.
    pub async fn revoke_token(&self, id: &str) -> Result<bool, StoreError> {
        let done = write_tx!(self, |tx| {
            let n = sqlx::query(REVOKE_TOKEN)
                .bind(id)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            n == 1
        });
        Ok(done)
    }
}
