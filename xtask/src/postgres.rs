//! A throwaway PostgreSQL cluster for the sync server's tests: Debian's binaries, `initdb` in a
//! temporary directory, `pg_ctl` on a free loopback port, stopped and removed when dropped.
//!
//! PostgreSQL refuses to run as root, so as root the cluster runs as `nobody` (through
//! `runuser`) in a directory under the system's temp dir that `nobody` owns.

use std::env;
use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::{is_root, run};

/// The newest `/usr/lib/postgresql/<version>/bin` that has `initdb` and `pg_ctl`.
pub fn bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").exists() && bin.join("pg_ctl").exists()).then_some((version, bin))
        })
        .collect();
    dirs.sort();
    dirs.pop().map(|(_, bin)| bin)
}

pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    /// `postgres://prisme@127.0.0.1:PORT/postgres`: a superuser, trusted on loopback.
    pub url: String,
}

impl Cluster {
    pub fn start() -> Result<Cluster> {
        let bin = bin_dir().context(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin): run cargo xtask setup",
        )?;
        stop_abandoned(&bin);
        let dir = env::temp_dir().join(format!("prisme-pg-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).ok();
        }
        fs::create_dir_all(&dir)?;
        if is_root() {
            run(Command::new("chown").args(["nobody:nogroup"]).arg(&dir))?;
        }
        let mut cluster = Cluster {
            url: String::new(),
            dir,
            bin,
        };
        let data = cluster.dir.join("data");
        let log = cluster.dir.join("postgres.log");
        run(cluster
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "prisme",
                "--auth=trust",
                "--no-sync",
                "--no-locale",
                "-E",
                "UTF8",
            ])
            .stdout(Stdio::null()))
        .context("initdb")?;
        let port = free_port()?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
            cluster.dir.display()
        );
        let started = cluster
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "-o", &options, "start"])
            .stdout(Stdio::null())
            .status()
            .context("pg_ctl start")?;
        if !started.success() {
            let tail = fs::read_to_string(&log).unwrap_or_default();
            bail!("PostgreSQL did not start ({started}); its log:\n{tail}");
        }
        cluster.url = format!("postgres://prisme@127.0.0.1:{port}/postgres");
        Ok(cluster)
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = pg_command(&self.bin, program);
        cmd.current_dir(&self.dir);
        cmd
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// `program` from PostgreSQL's bin dir, as `nobody` when we are root.
fn pg_command(bin: &Path, program: &str) -> Command {
    let path = bin.join(program);
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "nobody", "--"]).arg(path);
        c
    } else {
        Command::new(path)
    }
}

/// Stops and removes the clusters of earlier runs that were killed before they could clean up
/// (their directory names a process that is gone).
fn stop_abandoned(bin: &Path) {
    let Ok(entries) = fs::read_dir(env::temp_dir()) else {
        return;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix("prisme-pg-") else {
            continue;
        };
        if pid.parse::<u32>().is_err() || Path::new("/proc").join(pid).exists() {
            continue;
        }
        let _ = pg_command(bin, "pg_ctl")
            .arg("-D")
            .arg(e.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = fs::remove_dir_all(e.path());
    }
}

fn free_port() -> Result<u16> {
    // Bound then released: another process could take it in between, but only on this
    // machine's loopback, and pg_ctl would then fail loudly.
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}
