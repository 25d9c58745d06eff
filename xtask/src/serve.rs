//! A static file server for `dist/`, bound to 127.0.0.1: enough for the app, its worker and
//! the bench page (correct `application/wasm` type, no caching). Development use only.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::thread;

use anyhow::{Context, Result};

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") | Some("mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("csv") => "text/csv; charset=utf-8",
        Some("json") => "application/json",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// Maps a request path to a file under `root`, refusing anything that climbs out of it.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let path = url_path.split(['?', '#']).next().unwrap_or("/");
    let mut out = root.to_path_buf();
    for c in Path::new(path.trim_start_matches('/')).components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    Some(out)
}

fn handle(root: &Path, mut stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    // Path routes (/dashboard, …): an extensionless address with no file is the app's.
    let file = resolve(root, target).filter(|p| p.is_file()).or_else(|| {
        let path = target.split(['?', '#']).next().unwrap_or("/");
        Path::new(path)
            .extension()
            .is_none()
            .then(|| root.join("index.html"))
            .filter(|p| p.is_file())
    });
    match (method, file) {
        ("GET" | "HEAD", Some(path)) => {
            let body = fs::read(&path)?;
            write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: {}\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n",
                content_type(&path),
                body.len()
            )?;
            if method == "GET" {
                stream.write_all(&body)?;
            }
        }
        _ => {
            stream.write_all(
                b"HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: 9\r\nconnection: close\r\n\r\nnot found",
            )?;
        }
    }
    stream.flush()
}

pub fn serve(root: &Path, port: u16) -> Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("cannot listen on 127.0.0.1:{port} (already in use?)"))?;
    eprintln!(
        "\nPrisme is served on http://127.0.0.1:{port}/  (bench page: http://127.0.0.1:{port}/bench.html, sample data: /data/transactions_100k.csv)\nCtrl-C stops it."
    );
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let root = root.to_path_buf();
        thread::spawn(move || {
            let _ = handle(&root, stream);
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_leave_the_root() {
        let root = Path::new("/srv/dist");
        assert_eq!(resolve(root, "/../etc/passwd"), None);
        assert_eq!(
            resolve(root, "/worker_bg.wasm?v=1"),
            Some(PathBuf::from("/srv/dist/worker_bg.wasm"))
        );
    }
}
