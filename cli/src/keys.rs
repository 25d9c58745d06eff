//! The anonymization key on the command line: where it comes from, and `prisme key`.
//!
//! A key is configured when one of these gives it, first found wins:
//! 1. `--secret-file FILE` (64 hex digits: the app's exported key) or `--passphrase-file FILE`;
//! 2. `PRISME_SECRET_FILE` (a key file) or `PRISME_PASSPHRASE` (the passphrase itself);
//! 3. `$XDG_CONFIG_HOME/prisme/secret` (else `~/.config/prisme/secret`), if it exists —
//!    `prisme key new` writes it.
//!
//! A passphrase needs the workspace's salt: `--salt HEX`, `PRISME_SALT`, or
//! `…/prisme/salt`. When a key is configured, outputs are anonymized unless
//! `--no-anonymize`; when none is, they are not, and standard error says so (`--anonymize`
//! then refuses to run).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use prisme_core::anonymize::{AnonymizationReport, AnonymizeOptions};
use prisme_core::ingest::ReadOptions;
use prisme_core::key::{Salt, Secret};
use prisme_core::reidentify::Lookup;
use prisme_core::sources::{Corrections, clear_ids};

/// How the outputs are anonymized, and with which key.
#[derive(Args, Clone, Debug, Default)]
pub struct KeyArgs {
    /// Pseudonymize customer ids and drop or generalize personal data (the default when a
    /// key is configured; without a key, refuse to run).
    #[arg(long, conflicts_with = "no_anonymize")]
    pub anonymize: bool,
    /// Keep raw ids and personal data in the outputs, even with a key configured.
    #[arg(long)]
    pub no_anonymize: bool,
    /// The key: a file holding 64 hex digits (the app's exported key). Default:
    /// $PRISME_SECRET_FILE, else ~/.config/prisme/secret when it exists.
    #[arg(long, value_name = "FILE", conflicts_with = "passphrase_file")]
    pub secret_file: Option<PathBuf>,
    /// Derive the key from the passphrase on the first line of FILE (Argon2id, as the app
    /// does); the passphrase may also come from $PRISME_PASSPHRASE.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// The workspace's salt for passphrase derivation (32 hex digits). Default: $PRISME_SALT,
    /// else ~/.config/prisme/salt.
    #[arg(long, value_name = "HEX")]
    pub salt: Option<String>,
}

/// `prisme key …`.
#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Make a new random key and write it (64 hex digits, readable by you only).
    New {
        /// Where to write it (default ~/.config/prisme/secret).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing key file (pseudonyms made with the old key will not match).
        #[arg(long)]
        force: bool,
    },
    /// Print a new random salt for passphrase derivation in a new workspace.
    Salt,
    /// Print the fingerprint of the configured key (never the key).
    Fingerprint {
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Put the real ids back into a pseudonymized target list, on this machine: the ids of
    /// FILES (the files the list was made from) are pseudonymized with the key and looked up;
    /// every other column is kept as it is.
    Reidentify {
        /// The target list (CSV with customer_id first, as the app or --target-list writes it).
        list: PathBuf,
        /// The original files (customers, transactions, contracts, contacts; any format).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        key: KeyArgs,
        /// Where to write the list with real ids (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn config_dir() -> Option<PathBuf> {
    match std::env::var_os("XDG_CONFIG_HOME") {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d).join("prisme")),
        _ => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config").join("prisme")),
    }
}

/// The default key file.
pub fn default_key_file() -> Option<PathBuf> {
    config_dir().map(|d| d.join("secret"))
}

fn read_key_file(path: &Path) -> Result<Secret> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read the key file {}", path.display()))?;
    warn_if_shared(path);
    Secret::from_hex(&text).with_context(|| format!("key file {}", path.display()))
}

/// A key file others can read is a key others have.
fn warn_if_shared(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            eprintln!(
                "warning: the key file {} is readable by other users; run chmod 600 on it",
                path.display()
            );
        }
    }
}

fn salt(args: &KeyArgs) -> Result<Salt> {
    let (text, from) = if let Some(s) = &args.salt {
        (s.clone(), "--salt".to_string())
    } else if let Ok(s) = std::env::var("PRISME_SALT") {
        (s, "PRISME_SALT".to_string())
    } else if let Some(path) = config_dir().map(|d| d.join("salt"))
        && path.exists()
    {
        let text = fs::read_to_string(&path)
            .with_context(|| format!("cannot read the salt file {}", path.display()))?;
        (text, path.display().to_string())
    } else {
        bail!(
            "a passphrase needs the workspace's salt: give --salt HEX, set PRISME_SALT, or \
             write it to ~/.config/prisme/salt (the app shows it next to the key; `prisme key \
             salt` makes one for a new workspace)"
        );
    };
    Salt::from_hex(&text).with_context(|| format!("salt from {from}"))
}

/// The passphrase on the first line of a file, without its line break.
fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn from_passphrase(passphrase: &str, args: &KeyArgs) -> Result<Secret> {
    let salt = salt(args)?;
    Ok(Secret::from_passphrase(passphrase, &salt)?)
}

/// The configured key and where it came from, if any.
pub fn configured_key(args: &KeyArgs) -> Result<Option<(Secret, String)>> {
    if let Some(path) = &args.secret_file {
        return Ok(Some((read_key_file(path)?, path.display().to_string())));
    }
    if let Some(path) = &args.passphrase_file {
        let text = fs::read_to_string(path)
            .with_context(|| format!("cannot read the passphrase file {}", path.display()))?;
        let key = from_passphrase(first_line(&text), args)
            .with_context(|| format!("passphrase file {}", path.display()))?;
        return Ok(Some((key, format!("the passphrase in {}", path.display()))));
    }
    if let Some(path) = std::env::var_os("PRISME_SECRET_FILE").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        let key = read_key_file(&path).context("PRISME_SECRET_FILE")?;
        return Ok(Some((key, path.display().to_string())));
    }
    if let Ok(p) = std::env::var("PRISME_PASSPHRASE") {
        let key = from_passphrase(&p, args).context("PRISME_PASSPHRASE")?;
        return Ok(Some((key, "PRISME_PASSPHRASE".into())));
    }
    if let Some(path) = default_key_file()
        && path.exists()
    {
        return Ok(Some((read_key_file(&path)?, path.display().to_string())));
    }
    Ok(None)
}

/// The key to anonymize with, or `None` when the outputs keep raw ids; says which on
/// standard error.
pub fn anonymization_key(args: &KeyArgs) -> Result<Option<Secret>> {
    if args.no_anonymize {
        eprintln!("anonymization off (--no-anonymize): outputs hold raw ids and personal data");
        return Ok(None);
    }
    match configured_key(args)? {
        Some((key, from)) => {
            eprintln!(
                "anonymizing with key {} (from {from}): customer ids become pseudonyms, \
                 personal data is dropped or generalized",
                key.fingerprint()
            );
            Ok(Some(key))
        }
        None if args.anonymize => bail!(
            "--anonymize needs a key: --secret-file FILE (the app's exported key), \
             --passphrase-file FILE with --salt HEX, PRISME_SECRET_FILE, or `prisme key new`"
        ),
        None => {
            eprintln!(
                "note: no anonymization key configured, so outputs hold raw customer ids and \
                 personal data; give --secret-file FILE (or run `prisme key new`) to \
                 pseudonymize them, or --no-anonymize to silence this note"
            );
            Ok(None)
        }
    }
}

/// One line on standard error saying what anonymization did to a file.
pub fn report(file: &str, r: &AnonymizationReport) {
    let mut parts = Vec::new();
    for (what, cols) in [
        ("pseudonymized", &r.pseudonymized),
        ("dropped", &r.dropped),
        ("masked", &r.masked),
        ("generalized", &r.generalized),
        ("redacted", &r.redacted),
        ("kept personal", &r.kept_personal),
    ] {
        if !cols.is_empty() {
            parts.push(format!("{what} {}", cols.join(", ")));
        }
    }
    if !parts.is_empty() {
        eprintln!("{file}: {}", parts.join("; "));
    }
}

/// Random bytes from the operating system; refuses rather than make a weak key.
fn random<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .context("no secure random source (/dev/urandom): refusing to make a key")?;
    Ok(buf)
}

fn write_private(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

pub fn key_command(cmd: KeyCommand) -> Result<()> {
    match cmd {
        KeyCommand::New { out, force } => {
            let path = match out.or_else(default_key_file) {
                Some(p) => p,
                None => bail!("no home directory: give --out FILE"),
            };
            if path.exists() && !force {
                bail!(
                    "{} exists; pseudonyms made with it would no longer match with a new key. \
                     Use --force to replace it",
                    path.display()
                );
            }
            let key = Secret::from_bytes(random()?)?;
            write_private(&path, &format!("{}\n", key.to_hex()))?;
            eprintln!("wrote a new key to {}", path.display());
            println!("{}", key.fingerprint());
        }
        KeyCommand::Salt => {
            println!("{}", Salt::from_bytes(random()?)?.to_hex());
        }
        KeyCommand::Fingerprint { key } => match configured_key(&key)? {
            Some((k, from)) => {
                eprintln!("key from {from}");
                println!("{}", k.fingerprint());
            }
            None => bail!("no key configured (see `prisme analyze --help`, --secret-file)"),
        },
        KeyCommand::Reidentify {
            list,
            files,
            key,
            out,
        } => reidentify(&list, &files, &key, out.as_deref())?,
    }
    Ok(())
}

fn reidentify(list: &Path, files: &[PathBuf], key: &KeyArgs, out: Option<&Path>) -> Result<()> {
    let Some((secret, from)) = configured_key(key)? else {
        bail!(
            "no key configured: give the key of the workspace that made the list \
             (--secret-file, the app's exported key, or --passphrase-file with --salt)"
        );
    };
    eprintln!("key from {from} (fingerprint {})", secret.fingerprint());
    let text = fs::read_to_string(list)
        .with_context(|| format!("cannot read {} as UTF-8 text", list.display()))?;
    let opts = AnonymizeOptions::new(secret.clone());
    let mut ids = Vec::new();
    for path in files {
        let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        ids.extend(clear_ids(
            &name,
            &bytes,
            &ReadOptions::default(),
            &Corrections::default(),
            &opts,
            None,
        )?);
    }
    let lookup = Lookup::new(&secret, &ids);
    let r = prisme_core::reidentify::reidentify(&text, &lookup)
        .with_context(|| list.display().to_string())?;
    match out {
        Some(path) => {
            fs::write(path, &r.text).with_context(|| format!("cannot write {}", path.display()))?
        }
        None => std::io::stdout().write_all(r.text.as_bytes())?,
    }
    eprintln!(
        "{}: {} of {} ids re-identified",
        list.display(),
        r.rows - r.unmatched.len(),
        r.rows
    );
    if let Some((line, id)) = r.unmatched.first() {
        eprintln!(
            "warning: {} ids are in none of the files and stay pseudonyms (first: {id}, line \
             {line}): were all the files the list was made from given?",
            r.unmatched.len()
        );
    }
    Ok(())
}
