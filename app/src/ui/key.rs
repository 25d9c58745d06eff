//! The anonymization key in the browser: made from secure random bytes once and kept in
//! local storage; shown by its fingerprint, never its bits; exported to a file (the CLI's
//! `--secret-file`), imported from one, or derived from a passphrase and the workspace's salt
//! (Argon2id, in the worker) so that two laptops of one consultant give the same pseudonyms.
//!
//! The page never makes a weak key: without `crypto.getRandomValues` there is no key (and the
//! worker refuses to anonymize) until the user imports one or gives a passphrase; a stored key
//! that is malformed or all zeros is replaced, and the user is told.

use leptos::prelude::*;
use leptos::web_sys;
use wasm_bindgen_futures::JsFuture;

use crate::engine::Request;
use crate::export;
use crate::protocol::FromWorker;
use crate::store::use_app;

const SECRET_KEY: &str = "prisme.secret";
const SALT_KEY: &str = "prisme.salt";

/// Why the key deserves the user's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyNote {
    /// No secure random numbers: no key was made.
    NoRandom,
    /// Local storage is unavailable: the key lasts as long as the page.
    NoStorage,
    /// The stored key was malformed or all zeros: a new one replaced it.
    Replaced,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `n` secure random bytes, or `None` when the browser cannot give them.
pub fn random_bytes(n: usize) -> Option<Vec<u8>> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let mut bytes = vec![0u8; n];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    // A failing implementation that leaves zeros must not become a key.
    bytes.iter().any(|&b| b != 0).then_some(bytes)
}

/// 64 hex digits, not all zeros: the shape of a key (the worker checks it again).
pub fn well_formed(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()) && key.bytes().any(|b| b != b'0')
}

/// The key kept in this browser, or a new one; and what the user should know about it.
pub fn load_or_make() -> (String, Option<KeyNote>) {
    let store = storage();
    let stored = store
        .as_ref()
        .and_then(|s| s.get_item(SECRET_KEY).ok().flatten());
    if let Some(k) = &stored
        && well_formed(k)
    {
        return (k.to_ascii_lowercase(), None);
    }
    let Some(bytes) = random_bytes(32) else {
        return (String::new(), Some(KeyNote::NoRandom));
    };
    let key = hex(&bytes);
    let kept = store
        .as_ref()
        .is_some_and(|s| s.set_item(SECRET_KEY, &key).is_ok());
    let note = if !kept {
        Some(KeyNote::NoStorage)
    } else if stored.is_some() {
        Some(KeyNote::Replaced)
    } else {
        None
    };
    (key, note)
}

fn keep(key: &str) -> bool {
    storage().is_some_and(|s| s.set_item(SECRET_KEY, key).is_ok())
}

/// The workspace's salt for passphrase derivation (made once, kept, shown so that another
/// laptop can use the same).
fn salt() -> Option<String> {
    let store = storage();
    if let Some(s) = store
        .as_ref()
        .and_then(|s| s.get_item(SALT_KEY).ok().flatten())
        && s.len() == 32
        && s.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Some(s);
    }
    let s = hex(&random_bytes(16)?);
    if let Some(store) = store {
        let _ = store.set_item(SALT_KEY, &s);
    }
    Some(s)
}

/// The key panel of the Data page: fingerprint, export, import, passphrase.
#[component]
pub fn KeyPanel() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let state = app.data;
    let t = move || lang.get().keys();
    let fingerprint = RwSignal::new(None::<String>);
    let message = RwSignal::new(None::<String>);
    let passphrase = RwSignal::new(String::new());
    let salt_text = RwSignal::new(salt().unwrap_or_default());
    // The fingerprint comes from the worker (SHA-256 lives there, not in the page's module).
    let ask = move |req: Request, set: bool| {
        let engine = app.engine();
        engine.call(req, move |answer| match answer {
            Ok(msg) => {
                let (key, fp) = match crate::engine::decode(&msg) {
                    Ok(FromWorker::Key {
                        hex, fingerprint, ..
                    }) => (hex, fingerprint),
                    Ok(other) => {
                        return message.set(Some(format!("unexpected {} message", other.kind())));
                    }
                    Err(e) => return message.set(Some(e)),
                };
                if set {
                    let kept = keep(&key);
                    state.set_key(key, if kept { None } else { Some(KeyNote::NoStorage) });
                    state.rerun(&app.engine(), app.lang.get_untracked());
                    message.set(Some(lang.get_untracked().keys().key_changed.to_string()));
                }
                fingerprint.set(Some(fp));
            }
            Err(e) => message.set(Some(e)),
        });
    };
    Effect::new(move |_| {
        let key = state.secret.get();
        fingerprint.set(None);
        if well_formed(&key) {
            let job = app.engine().next_job();
            ask(Request::KeyCheck { job, hex: key }, false);
        }
    });
    let on_export = move |_| {
        let key = state.secret.get_untracked();
        if well_formed(&key) {
            let fp = fingerprint.get_untracked().unwrap_or_default();
            export::download_text(
                &format!("prisme-key-{fp}.txt"),
                &format!("{key}\n"),
                "text/plain",
            );
        }
    };
    let on_import = move |ev: web_sys::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        wasm_bindgen_futures::spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default();
            let key = text.trim().to_string();
            let job = app.engine().next_job();
            ask(Request::KeyCheck { job, hex: key }, true);
        });
    };
    let on_derive = move |_| {
        let job = app.engine().next_job();
        ask(
            Request::KeyDerive {
                job,
                passphrase: passphrase.get_untracked(),
                salt: salt_text.get_untracked().trim().to_string(),
            },
            true,
        );
        passphrase.set(String::new());
    };
    let note = move || {
        let t = t();
        state.key_note.get().map(|n| {
            let text = match n {
                KeyNote::NoRandom => t.no_random,
                KeyNote::NoStorage => t.no_storage,
                KeyNote::Replaced => t.replaced,
            };
            view! { <p class="key-note" role="alert" data-testid="key-note">{text}</p> }
        })
    };
    view! {
        <div class="key-panel" data-testid="key-panel">
            <span>
                {move || t().key} " "
                <code data-testid="key-fingerprint">
                    {move || fingerprint.get().unwrap_or_else(|| "—".to_string())}
                </code>
            </span>
            <small class="muted">{move || t().key_hint}</small>
            <button class="button ghost small" data-action="export-key" on:click=on_export>
                {move || t().export}
            </button>
            <label class="button ghost small">
                {move || t().import}
                <input type="file" accept=".txt,text/plain" data-testid="import-key" on:change=on_import />
            </label>
            <details class="passphrase">
                <summary>{move || t().passphrase}</summary>
                <label>
                    <span>{move || t().passphrase_label}</span>
                    <input
                        type="password"
                        autocomplete="new-password"
                        data-testid="passphrase"
                        prop:value=move || passphrase.get()
                        on:input=move |ev| passphrase.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    <span>{move || t().salt_label}</span>
                    <input
                        type="text"
                        spellcheck="false"
                        data-testid="salt"
                        prop:value=move || salt_text.get()
                        on:input=move |ev| salt_text.set(event_target_value(&ev))
                    />
                </label>
                <small>{move || t().passphrase_hint}</small>
                <button class="button small" data-action="derive-key" on:click=on_derive>
                    {move || t().derive}
                </button>
            </details>
            {note}
            {move || message.get().map(|m| view! { <p class="muted" data-testid="key-message">{m}</p> })}
        </div>
    }
}
