//! The frame around every page: the header (brand, navigation, demo, language), the analysis
//! job's progress with its cancel button, a drop target for the whole window, the footer; and
//! [`PageFrame`], which writes each page's `<main data-page>` and title.

use leptos::prelude::*;
use leptos::web_sys;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use super::quick::QuickState;
use super::routes::Page;
use crate::i18n::Lang;
use crate::protocol::JobStep;
use crate::store::{JobState, use_app};
use prisme_core::analysis::Step;

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let app = use_app();
    let quick = expect_context::<QuickState>();
    let lang = app.lang;
    let navigate = use_navigate();
    // The job asked to open a page when it ends.
    Effect::new(move |_| {
        let done = matches!(app.job.get(), JobState::Idle);
        if done && let Some(path) = app.goto.get() {
            app.goto.set(None);
            // The page is drawn in a task of its own, after the one that took the report.
            let navigate = navigate.clone();
            crate::store::later(move || navigate(&path, NavigateOptions::default()));
        }
    });
    let dragging = RwSignal::new(false);
    // A file dropped anywhere outside a drop zone joins the Data page's files and is analysed.
    let on_drop = move |ev: web_sys::DragEvent| {
        dragging.set(false);
        if ev.default_prevented() {
            return;
        }
        ev.prevent_default();
        let files: Vec<web_sys::File> = ev
            .data_transfer()
            .and_then(|d| d.files())
            .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
            .unwrap_or_default();
        if files.is_empty() {
            return;
        }
        app.data
            .add_file_vec(files, &app.engine(), lang.get_untracked());
        app.analyze(Some("/dashboard"));
    };
    let w = move || lang.get().wb();
    view! {
        <a class="skip-link" href="#main">{move || w().skip}</a>
        <header class="topbar no-print">
            <A href=super::at("/") attr:class="brand" attr:aria-label="Prisme">
                <svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
                    <defs>
                        <linearGradient id="prism" x1="0" y1="0" x2="1" y2="1">
                            <stop offset="0" stop-color="#6366f1"></stop>
                            <stop offset="0.5" stop-color="#06b6d4"></stop>
                            <stop offset="1" stop-color="#f59e0b"></stop>
                        </linearGradient>
                    </defs>
                    <path d="M16 3 L29 27 H3 Z" fill="url(#prism)"></path>
                    <path d="M16 3 L19 27" stroke="#fff" stroke-opacity="0.6" stroke-width="1.2"></path>
                </svg>
                <span class="brand-name">"Prisme"</span>
            </A>
            <nav class="nav" aria-label=move || w().nav_label>
                {Page::NAV
                    .into_iter()
                    .map(|p| {
                        view! {
                            <A href=super::at(p.path()) exact=true attr:data-nav=p.key()>
                                {move || p.title(lang.get())}
                            </A>
                        }
                    })
                    .collect_view()}
            </nav>
            <div class="top-actions">
                <button
                    class="button demo"
                    data-action="demo"
                    title=move || w().demo_hint
                    prop:disabled=move || matches!(app.job.get(), JobState::Running { .. })
                    on:click=move |_| app.demo()
                >
                    {move || w().demo}
                </button>
                <div class="lang-switch" role="group" aria-label="Language / Langue">
                    <button
                        class:active=move || lang.get() == Lang::Fr
                        aria-pressed=move || (lang.get() == Lang::Fr).to_string()
                        lang="fr"
                        on:click=move |_| app.set_lang(Lang::Fr)
                    >
                        "FR"
                    </button>
                    <button
                        class:active=move || lang.get() == Lang::En
                        aria-pressed=move || (lang.get() == Lang::En).to_string()
                        lang="en"
                        on:click=move |_| app.set_lang(Lang::En)
                    >
                        "EN"
                    </button>
                </div>
            </div>
        </header>
        <JobBar />
        <div
            class="app-body"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            {children()}
        </div>
        <footer class="footer no-print">
            <span>"Prisme"</span>
            <span data-testid="engine-status">
                {move || match quick.engine_info.get() {
                    Some(info) => {
                        format!(
                            "{} · v{} · {}",
                            lang.get().texts().engine_ready,
                            info.version,
                            lang.get().duration(info.init_ms),
                        )
                    }
                    None => lang.get().texts().engine_loading.to_string(),
                }}
            </span>
            <span>{move || w().privacy_footer}</span>
        </footer>
    }
}

/// The analysis steps in order, for the progress list.
const STEPS: [JobStep; 8] = [
    JobStep::Reading,
    JobStep::Consolidating,
    JobStep::Analysis(Step::Rfm),
    JobStep::Analysis(Step::Clusters),
    JobStep::Analysis(Step::Clv),
    JobStep::Analysis(Step::Churn),
    JobStep::Analysis(Step::Cohorts),
    JobStep::Analysis(Step::Indicators),
];

/// The analysis in flight: its steps, a cancel button that stops it now; or why it failed.
#[component]
fn JobBar() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let w = move || lang.get().wb();
    move || match app.job.get() {
        JobState::Running { steps, demo, .. } => {
            let current = steps.last().copied();
            let done = |s: JobStep| steps.contains(&s) && Some(s) != current;
            let items = STEPS
                .iter()
                .map(|&s| {
                    let state = if done(s) {
                        "done"
                    } else if Some(s) == current {
                        "running"
                    } else {
                        "todo"
                    };
                    view! {
                        <li class=format!("step {state}") data-step=lang.get_untracked().wb().step_key(s)>
                            {move || lang.get().wb().step(s)}
                        </li>
                    }
                })
                .collect_view();
            let fraction = steps.len() as f64 / STEPS.len() as f64;
            Some(
                view! {
                    <section class="jobbar no-print" data-testid="job" role="status" aria-live="polite">
                        <span class="spinner" aria-hidden="true"></span>
                        <strong>{move || if demo { w().demo_running } else { w().analyzing }}</strong>
                        <ol class="steps">{items}</ol>
                        <div class="bar mini" aria-hidden="true">
                            <div class="bar-fill" style:width=format!("{:.0}%", fraction * 100.0)></div>
                        </div>
                        <button class="button ghost" data-action="cancel" on:click=move |_| app.cancel()>
                            {move || lang.get().texts().cancel}
                        </button>
                    </section>
                }
                .into_any(),
            )
        }
        JobState::Failed { message, file } => Some(
            view! {
                <section class="jobbar failed no-print" role="alert" data-testid="job-error">
                    <strong>{move || w().analysis_failed}</strong>
                    <span>{(!file.is_empty()).then(|| format!("{file} — "))}{message}</span>
                    <button class="button ghost" on:click=move |_| app.job.set(JobState::Idle)>
                        {move || w().dismiss}
                    </button>
                </section>
            }
            .into_any(),
        ),
        JobState::Cancelled => Some(
            view! {
                <section class="jobbar no-print" data-testid="job-cancelled" role="status">
                    <span>{move || lang.get().texts().cancelled}</span>
                    <button class="button ghost" on:click=move |_| app.job.set(JobState::Idle)>
                        {move || w().dismiss}
                    </button>
                </section>
            }
            .into_any(),
        ),
        JobState::Idle => None,
    }
}

/// A page: `<main data-page>`, its title and, for analysis pages, what the analysis is of or
/// an invitation to run one.
#[component]
pub fn PageFrame(page: Page, children: ChildrenFn) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let w = move || lang.get().wb();
    let header = page.needs_report().then(|| {
        let subtitle = move || {
            app.report.with(|r| {
                r.as_ref().map(|r| {
                    let files: Vec<&str> = r.inputs.iter().map(|i| i.file.as_str()).collect();
                    let snapshot = r
                        .rfm
                        .as_ref()
                        .map(|x| format!(" · {} {}", w().snapshot, lang.get().date(&x.snapshot)))
                        .unwrap_or_default();
                    format!("{}{snapshot}", files.join(", "))
                })
            })
        };
        view! {
            <header class="page-head">
                <h1>{move || page.title(lang.get())}</h1>
                <p class="page-sub" data-testid="report-sub">{subtitle}</p>
            </header>
        }
    });
    let body = move || {
        if page.needs_report() && !page.opens_without_report() && app.report.with(Option::is_none) {
            view! { <NeedsAnalysis /> }.into_any()
        } else {
            children().into_any()
        }
    };
    view! {
        // `data-read-again`: whether the last analysis read its files again instead of reusing
        // the Data page's preparation (the end-to-end tests check it is reused).
        <main id="main" class="page" class:wide=page.needs_report() data-page=page.key() tabindex="-1"
            data-read-again=move || app.run.with(|r| r.as_ref().map(|r| r.read_again.to_string()))>
            {header}
            {body}
        </main>
    }
}

/// What an analysis page shows before any analysis.
#[component]
pub fn NeedsAnalysis() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let w = move || lang.get().wb();
    view! {
        <section class="empty" data-testid="needs-analysis">
            <h2>{move || w().empty_title}</h2>
            <p>{move || w().empty_text}</p>
            <div class="empty-actions">
                <A href=super::at("/data") attr:class="button primary">{move || w().go_data}</A>
                <button class="button" data-action="demo-empty" on:click=move |_| app.demo()>
                    {move || w().demo}
                </button>
            </div>
        </section>
    }
}

/// In place of a page whose group's module could not be fetched.
#[component]
pub fn LoadFailed() -> impl IntoView {
    let lang = use_app().lang;
    let reload = |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    };
    view! {
        <section class="empty" role="alert" data-testid="load-failed">
            <p>{move || lang.get().wb().load_failed}</p>
            <button class="button primary" on:click=reload>{move || lang.get().wb().reload}</button>
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    let lang = use_app().lang;
    view! {
        <main id="main" class="page" data-page="not-found">
            <section class="empty">
                <h1>{move || lang.get().wb().not_found}</h1>
                <A href=super::at("/") attr:class="button primary">{move || lang.get().wb().nav.quick}</A>
            </section>
        </main>
    }
}
