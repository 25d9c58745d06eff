//! The Reports page's server panel ([`crate::sync`]): set up and test the server, send what
//! waits, list the server's reports and datamarts and their history, open one, make an old
//! version the current one again, and the conflict dialog.
//!
//! Offline first: a report is saved in the browser before anything is sent; reports saved
//! while the server is away stay "to send" and go when it answers again (at start, when the
//! browser comes back online, after each save, or on "Send now"). A save refused because the
//! server has a newer version (412) is not retried: the user keeps theirs as a new version,
//! takes the server's, or keeps both.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::i18n::Lang;
use crate::persist::{self, RemoteState, SavedReport};
use crate::store::use_app;
use crate::sync::{self, Kind, RemoteDoc, RemoteHistory, RemoteItem, SyncConfig, SyncError};
use crate::ui::mart_sync::{self, MartSync};

/// Sends every report waiting to be sent, oldest first, each on the version before it, then
/// every datamart changed since the server had it. Stops at the first error that is not a
/// conflict (the rest wait for the next try). The number sent.
pub async fn flush() -> Result<usize, SyncError> {
    let cfg = sync::config();
    if !cfg.is_set() {
        return Ok(0);
    }
    let reports = flush_reports().await?;
    let marts = mart_sync::flush(&cfg).await?;
    Ok(reports + marts)
}

async fn flush_reports() -> Result<usize, SyncError> {
    let cfg = sync::config();
    if !cfg.is_set() {
        return Ok(0);
    }
    let mut all = persist::reports().await.map_err(|e| SyncError::Failed {
        status: 0,
        message: format!("{e:?}"),
    })?;
    all.sort_by(|a, b| a.saved.total_cmp(&b.saved));
    let mut sent = 0;
    for i in 0..all.len() {
        let Some(state) = all[i].remote.clone() else {
            continue;
        };
        if !state.pending || state.conflict.is_some() {
            continue;
        }
        let base = known_version(&all, &state.id);
        let result = sync::push(
            &cfg,
            Kind::Reports,
            &state.id,
            &all[i].name,
            &all[i].document,
            base,
        )
        .await;
        let next = match result {
            Ok(v) => {
                sent += 1;
                RemoteState {
                    version: Some(v),
                    pending: false,
                    conflict: None,
                    ..state
                }
            }
            Err(SyncError::Conflict { current }) => RemoteState {
                conflict: Some(current),
                ..state
            },
            Err(e) => return Err(e),
        };
        all[i].remote = Some(next);
        let _ = persist::save_report(&all[i]).await;
    }
    Ok(sent)
}

/// The newest server version any local report of this server id is.
fn known_version(all: &[SavedReport], id: &str) -> Option<u32> {
    all.iter()
        .filter_map(|r| r.remote.as_ref().filter(|x| x.id == id)?.version)
        .max()
}

/// Keeps a report read from the server in this browser (a new local version of its name),
/// unless one of them already is that server version. The local report's id.
async fn keep_remote(r: &RemoteDoc, lang: Lang) -> Result<String, String> {
    let all = persist::reports().await.map_err(|e| format!("{e:?}"))?;
    if let Some(local) = all.iter().find(|l| {
        l.remote
            .as_ref()
            .is_some_and(|x| x.id == r.id && x.version == Some(r.version) && !x.pending)
    }) {
        return Ok(local.id.clone());
    }
    let report = crate::ui::reports::read_document(&r.document, lang)?;
    let workspace = all
        .iter()
        .rev()
        .find(|l| l.remote.as_ref().is_some_and(|x| x.id == r.id))
        .map(|l| l.workspace.clone())
        .unwrap_or_default();
    let mut saved =
        crate::ui::reports::entry(&report, r.document.clone(), &r.name, &workspace, &all);
    saved.remote = Some(RemoteState {
        id: r.id.clone(),
        version: Some(r.version),
        pending: false,
        conflict: None,
    });
    persist::save_report(&saved)
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(saved.id)
}

/// The user's answer to a conflict on `local`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolution {
    /// Mine goes to the server as the version after theirs.
    Mine,
    /// Theirs is kept here; mine stays in this browser only.
    Theirs,
    /// Theirs is kept here and mine goes to the server after it.
    Both,
}

pub async fn resolve(local: SavedReport, how: Resolution, lang: Lang) -> Result<(), String> {
    let cfg = sync::config();
    let Some(state) = local.remote.clone() else {
        return Ok(());
    };
    let current = state.conflict.unwrap_or(0);
    if how != Resolution::Mine {
        let theirs = sync::get(&cfg, Kind::Reports, &state.id, None)
            .await
            .map_err(|e| e.message())?;
        keep_remote(&theirs, lang).await?;
    }
    let mut mine = local;
    if how == Resolution::Theirs {
        mine.remote = None;
    } else {
        let v = sync::push(
            &cfg,
            Kind::Reports,
            &state.id,
            &mine.name,
            &mine.document,
            Some(current),
        )
        .await
        .map_err(|e| e.message())?;
        mine.remote = Some(RemoteState {
            version: Some(v),
            pending: false,
            conflict: None,
            ..state
        });
    }
    persist::save_report(&mine)
        .await
        .map_err(|e| format!("{e:?}"))
}

/// Sends what waits when the browser comes back online (once per page load).
pub fn start(app: crate::store::AppState) {
    let on_online = Closure::<dyn FnMut()>::new(move || {
        wasm_bindgen_futures::spawn_local(async move {
            // Sent, refused or in conflict: the page shows where each report stands.
            let _ = flush().await;
            app.synced.update(|n| *n += 1);
        });
    });
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    }
    on_online.forget();
    wasm_bindgen_futures::spawn_local(async move {
        if matches!(flush().await, Ok(n) if n > 0) {
            app.synced.update(|n| *n += 1);
        }
    });
}

fn error_text(e: &SyncError, l: Lang) -> String {
    let t = l.sync();
    match e {
        SyncError::Unreachable(m) => format!("{} ({m})", t.unreachable),
        SyncError::Refused { .. } => format!("{} ({})", t.refused, e.message()),
        _ => e.message(),
    }
}

/// The choice offered when the server refused a save of a report or a datamart (412).
fn conflict_dialog(
    l: Lang,
    text: String,
    report: Option<String>,
    datamart: Option<String>,
    act: impl Fn(Resolution) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let button = move |how: Resolution, class: &'static str, action: &'static str, label| {
        let act = act.clone();
        view! { <button class=class data-action=action on:click=move |_| act(how)>{label}</button> }
    };
    let t = l.sync();
    view! {
        <div class="sync-conflict" role="dialog" aria-modal="false" data-testid="sync-conflict" data-report=report data-datamart=datamart>
            <p><strong>{t.conflict_title}</strong> " " {text}</p>
            <div class="row-actions">
                {button(Resolution::Mine, "button primary", "conflict-mine", t.keep_mine)}
                {button(Resolution::Theirs, "button ghost", "conflict-theirs", t.take_theirs)}
                {button(Resolution::Both, "button ghost", "conflict-both", t.keep_both)}
            </div>
        </div>
    }
}

/// A document's history, as shown under the lists.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    kind: Kind,
    id: String,
    name: String,
    history: RemoteHistory,
}

type Listing = Option<Result<Vec<RemoteItem>, String>>;

/// The server panel. `on_open` opens a local report by id; `reload` refreshes the local list.
#[component]
pub fn SyncPanel(
    on_open: Callback<String>,
    reload: Callback<()>,
    list: RwSignal<Vec<SavedReport>>,
) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let t = move || lang.get().sync();
    let cfg = RwSignal::new(sync::config());
    let form = RwSignal::new(cfg.get_untracked());
    let editing = RwSignal::new(!cfg.get_untracked().is_set());
    let status = RwSignal::new(None::<(bool, String)>);
    let remote = RwSignal::new(None::<Result<Vec<RemoteItem>, String>>);
    let remote_marts = RwSignal::new(None::<Result<Vec<RemoteItem>, String>>);
    let marts = RwSignal::new(mart_sync::standing());
    let history = RwSignal::new(None::<Shown>);
    let busy = RwSignal::new(false);

    // The panel's signals may be gone by the time an answer comes (the user left the page):
    // every read after an `await` is a `try_`.
    let refresh = move || {
        let Some(c) = cfg.try_get_untracked() else {
            return;
        };
        if !c.is_set() {
            remote.set(None);
            remote_marts.set(None);
            marts.set(Vec::new());
            return;
        }
        wasm_bindgen_futures::spawn_local(async move {
            let l = lang.get_untracked();
            match flush().await {
                Err(e) => status.set(Some((false, error_text(&e, l)))),
                // The server answers again: an earlier error no longer holds.
                Ok(_) => {
                    let stale = status
                        .try_with_untracked(|s| s.as_ref().is_some_and(|(ok, _)| !ok))
                        .unwrap_or(false);
                    if stale {
                        status.set(None);
                    }
                }
            }
            let _ = reload.try_run(());
            marts.set(mart_sync::standing());
            remote.set(Some(
                sync::list(&c, Kind::Reports)
                    .await
                    .map_err(|e| error_text(&e, l)),
            ));
            remote_marts.set(Some(
                sync::list(&c, Kind::Datamarts)
                    .await
                    .map_err(|e| error_text(&e, l)),
            ));
        });
    };
    refresh();
    // A background send (back online, a datamart saved) refreshes the lists.
    Effect::new(move |prev: Option<u32>| {
        let n = app.synced.get();
        if prev.is_some_and(|p| p != n) {
            refresh();
        }
        n
    });

    let test = move |_| {
        let c = form.get_untracked();
        busy.set(true);
        status.set(None);
        wasm_bindgen_futures::spawn_local(async move {
            let l = lang.get_untracked();
            let r = sync::check(&c).await;
            busy.set(false);
            status.set(Some(match r {
                Ok(n) => (true, l.sync().connected.replace("{}", &l.int(n as u64))),
                Err(e) => (false, error_text(&e, l)),
            }));
        });
    };
    let save = move |_| {
        let mut c = form.get_untracked();
        c.url = c.url.trim().trim_end_matches('/').to_string();
        c.workspace = c.workspace.trim().to_string();
        if !c.is_set() {
            status.set(Some((false, t().incomplete.to_string())));
            return;
        }
        let before = cfg.get_untracked();
        if !sync::set_config(&c) {
            status.set(Some((false, t().not_kept.to_string())));
            return;
        }
        if before.url != c.url || before.workspace != c.workspace {
            // Another server or workspace: what the datamarts were there says nothing here.
            mart_sync::forget();
        }
        cfg.set(c);
        editing.set(false);
        status.set(None);
        // Reports already saved here become "to send" (datamarts are, until sent).
        wasm_bindgen_futures::spawn_local(async move {
            let all = persist::reports().await.unwrap_or_default();
            for mut r in all.into_iter().filter(|r| r.remote.is_none()) {
                r.remote = Some(RemoteState {
                    id: sync::remote_id(&r.name),
                    version: None,
                    pending: true,
                    conflict: None,
                });
                let _ = persist::save_report(&r).await;
            }
            refresh();
        });
    };
    let forget = move |_| {
        let _ = sync::set_config(&SyncConfig::default());
        mart_sync::forget();
        cfg.set(SyncConfig::default());
        form.set(SyncConfig::default());
        editing.set(true);
        remote.set(None);
        remote_marts.set(None);
        marts.set(Vec::new());
        history.set(None);
        status.set(None);
    };
    // A report opens on this page; a datamart is kept with the others and opens on its page.
    let take = move |kind: Kind, doc: RemoteDoc| async move {
        let l = lang.get_untracked();
        match kind {
            Kind::Reports => {
                let local = keep_remote(&doc, l).await?;
                let _ = reload.try_run(());
                let _ = on_open.try_run(local);
            }
            Kind::Datamarts => {
                let name = mart_sync::take(&doc, l.sync().mine_suffix)?;
                app.keep_in_workspace();
                app.goto.set(Some(format!(
                    "/datamarts?m={}",
                    String::from(js_sys::encode_uri_component(&name))
                )));
            }
        }
        Ok::<(), String>(())
    };
    let open_remote = move |kind: Kind, id: String, v: Option<u32>| {
        let c = cfg.get_untracked();
        wasm_bindgen_futures::spawn_local(async move {
            let l = lang.get_untracked();
            let got = match sync::get(&c, kind, &id, v).await {
                Ok(doc) => take(kind, doc).await,
                Err(e) => Err(error_text(&e, l)),
            };
            if let Err(m) = got {
                status.set(Some((false, m)));
            }
        });
    };
    let show_history = move |kind: Kind, id: String, name: String| {
        let c = cfg.get_untracked();
        wasm_bindgen_futures::spawn_local(async move {
            let l = lang.get_untracked();
            match sync::versions(&c, kind, &id).await {
                Ok(h) => history.set(Some(Shown {
                    kind,
                    id,
                    name,
                    history: h,
                })),
                Err(e) => status.set(Some((false, error_text(&e, l)))),
            }
        });
    };
    // Version `v` becomes the server's current one (a new version), then is taken here.
    let restore = move |kind: Kind, id: String, v: u32, current: u32| {
        let c = cfg.get_untracked();
        wasm_bindgen_futures::spawn_local(async move {
            let l = lang.get_untracked();
            let done = match sync::restore(&c, kind, &id, v, current).await {
                Ok(_) => match sync::get(&c, kind, &id, None).await {
                    Ok(doc) => take(kind, doc).await,
                    Err(e) => Err(error_text(&e, l)),
                },
                Err(SyncError::Conflict { current }) => {
                    Err(l.sync().restore_stale.replace("{v}", &current.to_string()))
                }
                Err(e) => Err(error_text(&e, l)),
            };
            match done {
                Ok(()) => status.set(Some((
                    true,
                    l.sync().restored.replace("{v}", &v.to_string()),
                ))),
                Err(m) => status.set(Some((false, m))),
            }
            history.set(None);
            refresh();
        });
    };
    let conflicts = move || {
        list.with(|l| {
            l.iter()
                .filter(|r| r.remote.as_ref().is_some_and(|x| x.conflict.is_some()))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let mart_conflicts = move || {
        marts.with(|m| {
            m.iter()
                .filter_map(|(name, s)| match s {
                    MartSync::Conflict(v) => Some((name.clone(), *v)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    };
    let pending = move || {
        list.with(|l| {
            l.iter()
                .filter(|r| {
                    r.remote
                        .as_ref()
                        .is_some_and(|x| x.pending && x.conflict.is_none())
                })
                .count()
        }) + marts.with(|m| m.iter().filter(|(_, s)| *s == MartSync::Pending).count())
    };

    let field = move |label: fn(Lang) -> &'static str,
                      testid: &'static str,
                      kind: &'static str,
                      get: fn(&SyncConfig) -> String,
                      set: fn(&mut SyncConfig, String)| {
        view! {
            <label>
                <span>{move || label(lang.get())}</span>
                <input
                    type=kind
                    data-testid=testid
                    autocomplete="off"
                    prop:value=move || form.with(get)
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        form.update(|f| set(f, v));
                    }
                />
            </label>
        }
    };

    // The server's reports or datamarts.
    let listing = move |kind: Kind, items: Listing| {
        let l = lang.get();
        let (testid, caption, none, col_name) = match kind {
            Kind::Reports => (
                "remote-reports",
                l.sync().on_server,
                l.sync().none,
                l.rep().col_name,
            ),
            Kind::Datamarts => (
                "remote-datamarts",
                l.sync().marts_on_server,
                l.sync().marts_none,
                l.mart().name,
            ),
        };
        match items {
            None => None,
            Some(Err(m)) => Some(
                view! { <p class="error-message" role="alert" data-testid="remote-error">{m}</p> }
                    .into_any(),
            ),
            Some(Ok(items)) if items.is_empty() => Some(
                view! { <p class="hint" data-testid=format!("{testid}-none")>{none}</p> }.into_any(),
            ),
            Some(Ok(items)) => Some(
                view! {
                    <table class="reports" data-testid=testid>
                        <caption>{caption}</caption>
                        <thead>
                            <tr>
                                <th>{col_name}</th>
                                <th class="num">{l.rep().col_version}</th>
                                <th>{l.sync().updated}</th>
                                <th>{l.sync().author}</th>
                                <th></th>
                            </tr>
                        </thead>
                        <tbody>
                            {items
                                .into_iter()
                                .map(|it| {
                                    let (id1, id2, name) = (it.id.clone(), it.id.clone(), it.name.clone());
                                    view! {
                                        <tr data-remote=it.id.clone() data-version=it.version>
                                            <td><strong>{it.name.clone()}</strong></td>
                                            <td class="num">{format!("v{}", it.version)}</td>
                                            <td>{l.date(it.updated_at.get(..10).unwrap_or_default())}</td>
                                            <td>{it.author.clone().unwrap_or_default()}</td>
                                            <td class="row-actions">
                                                <button class="button ghost small" data-action="remote-open" on:click=move |_| open_remote(kind, id1.clone(), None)>
                                                    {l.rep().open}
                                                </button>
                                                <button class="button ghost small" data-action="remote-history" on:click=move |_| show_history(kind, id2.clone(), name.clone())>
                                                    {l.sync().history}
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any(),
            ),
        }
    };

    view! {
        <section class="card section" data-section="sync">
            <h2>{move || t().title}</h2>
            <p class="intro">{move || t().intro}</p>
            {move || {
                if editing.get() {
                    view! {
                        <div class="sync-form">
                            {field(|l| l.sync().url, "sync-url", "url", |c| c.url.clone(), |c, v| c.url = v)}
                            {field(|l| l.sync().workspace, "sync-workspace", "text", |c| c.workspace.clone(), |c, v| c.workspace = v)}
                            {field(|l| l.sync().token, "sync-token", "password", |c| c.token.clone(), |c, v| c.token = v)}
                        </div>
                        <div class="row-actions">
                            <button class="button ghost" data-action="sync-test" prop:disabled=move || busy.get() on:click=test>{move || t().test}</button>
                            <button class="button primary" data-action="sync-save" on:click=save>{move || t().save}</button>
                        </div>
                        <p class="hint">{move || t().token_note}</p>
                    }
                    .into_any()
                } else {
                    let c = cfg.get();
                    view! {
                        <p class="sync-where" data-testid="sync-where">
                            {move || t().connected_to} " " <code>{c.url.clone()}</code> " · " {move || t().workspace} " " <strong>{c.workspace.clone()}</strong>
                        </p>
                        <div class="row-actions">
                            <button class="button ghost" data-action="sync-now" on:click=move |_| refresh()>
                                {move || {
                                    let n = pending();
                                    if n > 0 { format!("{} ({n})", t().send_now) } else { t().refresh.to_string() }
                                }}
                            </button>
                            <button class="button ghost" data-action="sync-edit" on:click=move |_| editing.set(true)>{move || t().edit}</button>
                            <button class="button ghost" data-action="sync-forget" on:click=forget>{move || t().forget}</button>
                        </div>
                    }
                    .into_any()
                }
            }}
            {move || status.get().map(|(ok, m)| view! {
                <p class=if ok { "note ok" } else { "error-message" } role=if ok { "status" } else { "alert" } data-testid="sync-status">{m}</p>
            })}
            {move || {
                let list = conflicts();
                (!list.is_empty()).then(|| {
                    let l = lang.get();
                    list.into_iter().map(|r| {
                        let current = r.remote.as_ref().and_then(|x| x.conflict).unwrap_or(0);
                        let text = l.sync().conflict.replace("{name}", &r.name).replace("{v}", &current.to_string());
                        let name = r.name.clone();
                        let act = move |how: Resolution| {
                            let r = r.clone();
                            wasm_bindgen_futures::spawn_local(async move {
                                let l = lang.get_untracked();
                                if let Err(m) = resolve(r, how, l).await {
                                    status.set(Some((false, m)));
                                }
                                refresh();
                            });
                        };
                        conflict_dialog(l, text, Some(name), None, act)
                    }).collect_view()
                })
            }}
            {move || {
                let list = mart_conflicts();
                (!list.is_empty()).then(|| {
                    let l = lang.get();
                    list.into_iter().map(|(name, current)| {
                        let text = l.sync().mart_conflict.replace("{name}", &name).replace("{v}", &current.to_string());
                        let mart = name.clone();
                        let act = move |how: Resolution| {
                            let name = name.clone();
                            wasm_bindgen_futures::spawn_local(async move {
                                let l = lang.get_untracked();
                                match mart_sync::resolve(&name, how, l.sync().mine_suffix).await {
                                    Ok(()) => app.keep_in_workspace(),
                                    Err(m) => status.set(Some((false, m))),
                                }
                                refresh();
                            });
                        };
                        conflict_dialog(l, text, None, Some(mart), act)
                    }).collect_view()
                })
            }}
            {move || listing(Kind::Reports, remote.get())}
            {move || listing(Kind::Datamarts, remote_marts.get())}
            {move || history.get().map(|shown| {
                let l = lang.get();
                let Shown { kind, id, name, history: h } = shown;
                let current = h.current_version;
                let kind_key = match kind { Kind::Reports => "reports", Kind::Datamarts => "datamarts" };
                view! {
                    <div class="sync-history" data-testid="remote-history" data-kind=kind_key data-remote=id.clone()>
                        <h3>{l.sync().history} " · " {name}</h3>
                        <ul>
                            {h.versions.into_iter().map(|v| {
                                let (id1, id2) = (id.clone(), id.clone());
                                let is_current = v.version == current && !h.deleted;
                                view! {
                                    <li data-version=v.version class:current=is_current>
                                        {format!("v{} · {} · {} ", v.version, v.name, l.date(v.updated_at.get(..10).unwrap_or_default()))}
                                        {v.author.clone().map(|a| format!("· {a} "))}
                                        {is_current.then(|| view! { <span class="badge">{l.sync().current}</span> " " })}
                                        // An old datamart opens by becoming the current one; an old report opens read-only.
                                        {(kind == Kind::Reports).then(|| view! {
                                            <button class="button ghost small" data-action="remote-open-version" on:click=move |_| open_remote(kind, id1.clone(), Some(v.version))>{l.rep().open}</button>
                                        })}
                                        {(!is_current).then(|| view! {
                                            <button class="button ghost small" data-action="remote-restore" title=l.sync().restore_hint on:click=move |_| restore(kind, id2.clone(), v.version, current)>{l.sync().restore}</button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                }
            })}
        </section>
    }
}
