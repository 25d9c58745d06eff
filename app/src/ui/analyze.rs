//! The analysis settings and the "Analyze" button, on the Data page: each setting with a
//! sensible default and one line saying what it does. Settings are kept in local storage.

use leptos::prelude::*;
use prisme_core::clv::TimeUnit;
use prisme_core::consolidate::TableKind;
use prisme_core::ingest::column::ColumnKind;
use prisme_core::ingest::date::{format_days, parse_iso_days};
use prisme_core::period::Period;

use crate::store::{JobState, use_app};

/// A per-time-unit discount rate from an annual one: `(1 + annual)^(1 / units a year) − 1`.
pub fn per_unit_rate(annual: f64, unit: TimeUnit) -> f64 {
    (1.0 + annual).powf(1.0 / f64::from(unit.per_year())) - 1.0
}

pub fn annual_rate(per_unit: f64, unit: TimeUnit) -> f64 {
    (1.0 + per_unit).powf(f64::from(unit.per_year())) - 1.0
}

/// Columns of the Data page's files that can slice the dashboard: text, 2 to 60 values, not an
/// id and not personal data (the worker applies the same rule to the whole column).
fn slice_columns(app: &crate::store::AppState) -> Vec<String> {
    let mut customers = Vec::new();
    let mut purchases = Vec::new();
    app.data.views().iter().for_each(|v| {
        let target = match v.kind {
            TableKind::Customers => &mut customers,
            TableKind::Transactions => &mut purchases,
            _ => return,
        };
        for c in &v.columns {
            let role = c.role.map(|r| r.role);
            if c.kind != ColumnKind::Text
                || role.is_some_and(|r| {
                    r.is_pii()
                        || matches!(
                            r,
                            prisme_core::ingest::roles::Role::CustomerId
                                | prisme_core::ingest::roles::Role::OrderId
                        )
                })
            {
                continue;
            }
            let distinct = v
                .profile
                .columns
                .iter()
                .find(|p| p.name == c.name)
                .map(|p| p.distinct);
            if distinct.is_some_and(|d| (2..=60).contains(&d)) {
                target.push(c.name.clone());
            }
        }
    });
    customers.extend(purchases);
    customers
}

#[component]
pub fn AnalyzePanel() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let t = move || lang.get().set();
    let s = app.settings;
    let running = move || matches!(app.job.get(), JobState::Running { .. });
    let candidates = Memo::new(move |_| slice_columns(&app));
    let label_columns = Memo::new(move |_| {
        app.data
            .views()
            .iter()
            .filter(|v| v.kind == TableKind::Customers)
            .flat_map(|v| v.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    });
    let number = |ev: &leptos::ev::Event| {
        event_target_value(ev)
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .ok()
    };
    view! {
        <section class="card analyze" data-testid="analyze-panel">
            <div class="analyze-head">
                <div>
                    <h2>{move || t().title}</h2>
                    <p class="intro">{move || t().intro}</p>
                </div>
                <button
                    class="button primary big"
                    data-action="analyze"
                    prop:disabled=running
                    on:click=move |_| app.analyze(Some("/dashboard"))
                >
                    {move || t().analyze}
                </button>
            </div>
            <details class="settings">
                <summary>{move || t().settings}</summary>
                <div class="settings-grid">
                    <label>
                        <span>{move || t().snapshot}</span>
                        <input
                            type="date"
                            data-setting="snapshot"
                            prop:value=move || s.with(|s| s.params.rfm.snapshot.map(format_days).unwrap_or_default())
                            on:change=move |ev| {
                                let v = parse_iso_days(&event_target_value(&ev));
                                app.set_settings(|s| s.params.rfm.snapshot = v);
                            }
                        />
                        <small>{move || t().snapshot_help}</small>
                    </label>
                    <label>
                        <span>{move || t().period}</span>
                        <select
                            data-setting="period"
                            on:change=move |ev| {
                                let p = match event_target_value(&ev).as_str() {
                                    "quarter" => Period::Quarter,
                                    "year" => Period::Year,
                                    "week" => Period::Week,
                                    _ => Period::Month,
                                };
                                app.set_settings(|s| {
                                    s.params.indicators.period = p;
                                    s.params.cohorts.period = p;
                                });
                            }
                        >
                            {move || {
                                let cur = s.with(|s| s.params.indicators.period);
                                [Period::Week, Period::Month, Period::Quarter, Period::Year]
                                    .into_iter()
                                    .map(|p| {
                                        let key = match p {
                                            Period::Week => "week",
                                            Period::Month => "month",
                                            Period::Quarter => "quarter",
                                            Period::Year => "year",
                                        };
                                        view! { <option value=key selected=p == cur>{lang.get().period_name(p)}</option> }
                                    })
                                    .collect_view()
                            }}
                        </select>
                        <small>{move || t().period_help}</small>
                    </label>
                    <label>
                        <span>{move || t().time_unit}</span>
                        <select
                            data-setting="time-unit"
                            on:change=move |ev| {
                                let u = match event_target_value(&ev).as_str() {
                                    "days" => TimeUnit::Days,
                                    "months" => TimeUnit::Months,
                                    _ => TimeUnit::Weeks,
                                };
                                app.set_settings(|s| {
                                    let annual = annual_rate(s.params.clv.discount_rate, s.params.clv.time_unit);
                                    s.params.clv.time_unit = u;
                                    s.params.clv.discount_rate = per_unit_rate(annual, u);
                                    s.params.clv.horizon = None;
                                });
                            }
                        >
                            {move || {
                                let cur = s.with(|s| s.params.clv.time_unit);
                                [("days", TimeUnit::Days), ("weeks", TimeUnit::Weeks), ("months", TimeUnit::Months)]
                                    .into_iter()
                                    .map(|(k, u)| view! { <option value=k selected=u == cur>{lang.get().time_unit(u)}</option> })
                                    .collect_view()
                            }}
                        </select>
                        <small>{move || t().time_unit_help}</small>
                    </label>
                    <label>
                        <span>{move || t().horizon}</span>
                        <input
                            type="number"
                            min="1"
                            data-setting="horizon"
                            prop:value=move || s.with(|s| s.params.clv.horizon())
                            on:change=move |ev| {
                                let v = number(&ev).filter(|v| *v >= 1.0).map(|v| v.round() as u32);
                                app.set_settings(|s| s.params.clv.horizon = v);
                            }
                        />
                        <small>{move || t().horizon_help}</small>
                    </label>
                    <label>
                        <span>{move || t().discount}</span>
                        <input
                            type="number"
                            min="0"
                            max="100"
                            step="0.5"
                            data-setting="discount"
                            prop:value=move || s.with(|s| {
                                let a = annual_rate(s.params.clv.discount_rate, s.params.clv.time_unit) * 100.0;
                                format!("{:.1}", a)
                            })
                            on:change=move |ev| {
                                let annual = number(&ev).unwrap_or(0.0).clamp(0.0, 100.0) / 100.0;
                                app.set_settings(|s| s.params.clv.discount_rate = per_unit_rate(annual, s.params.clv.time_unit));
                            }
                        />
                        <small>{move || t().discount_help}</small>
                    </label>
                    <label>
                        <span>{move || t().churn_window}</span>
                        <input
                            type="number"
                            min="7"
                            data-setting="churn-window"
                            prop:value=move || s.with(|s| s.params.churn_window_days)
                            on:change=move |ev| {
                                if let Some(v) = number(&ev).filter(|v| *v >= 7.0) {
                                    app.set_settings(|s| s.params.churn_window_days = v.round() as i32);
                                }
                            }
                        />
                        <small>{move || t().churn_window_help}</small>
                    </label>
                    <label>
                        <span>{move || t().label_column}</span>
                        <select
                            data-setting="label"
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                app.set_settings(|s| s.label_column = (!v.is_empty()).then_some(v));
                            }
                        >
                            <option value="">{move || t().label_auto}</option>
                            {move || {
                                let cur = s.with(|s| s.label_column.clone());
                                label_columns
                                    .get()
                                    .into_iter()
                                    .map(|c| {
                                        let sel = Some(&c) == cur.as_ref();
                                        view! { <option value=c.clone() selected=sel>{c.clone()}</option> }
                                    })
                                    .collect_view()
                            }}
                        </select>
                        <small>{move || t().label_help}</small>
                    </label>
                    <label>
                        <span>{move || t().k_range}</span>
                        <span class="pair">
                            <input
                                type="number"
                                min="2"
                                max="20"
                                data-setting="k-min"
                                aria-label="k min"
                                prop:value=move || s.with(|s| s.params.cluster.k_min)
                                on:change=move |ev| {
                                    if let Some(v) = number(&ev) {
                                        let v = (v.round() as usize).clamp(2, 20);
                                        app.set_settings(|s| {
                                            s.params.cluster.k_min = v;
                                            s.params.cluster.k_max = s.params.cluster.k_max.max(v);
                                        });
                                    }
                                }
                            />
                            "–"
                            <input
                                type="number"
                                min="2"
                                max="20"
                                data-setting="k-max"
                                aria-label="k max"
                                prop:value=move || s.with(|s| s.params.cluster.k_max)
                                on:change=move |ev| {
                                    if let Some(v) = number(&ev) {
                                        let v = (v.round() as usize).clamp(2, 20);
                                        app.set_settings(|s| {
                                            s.params.cluster.k_max = v;
                                            s.params.cluster.k_min = s.params.cluster.k_min.min(v);
                                        });
                                    }
                                }
                            />
                        </span>
                        <small>{move || t().k_help}</small>
                    </label>
                    <fieldset class="slices">
                        <legend>{move || t().slices}</legend>
                        {move || {
                            let chosen = s.with(|s| s.slices.clone());
                            let all = candidates.get();
                            if all.is_empty() {
                                return view! { <small>{t().no_slices}</small> }.into_any();
                            }
                            all.iter()
                                .enumerate()
                                .map(|(i, c)| {
                                    let on = match &chosen {
                                        Some(list) => list.contains(c),
                                        None => i < prisme_core::workbench::DEFAULT_SLICES,
                                    };
                                    let name = c.clone();
                                    let all2 = all.clone();
                                    view! {
                                        <label class="chip-check">
                                            <input
                                                type="checkbox"
                                                data-slice=c.clone()
                                                prop:checked=on
                                                on:change=move |ev| {
                                                    let checked = event_target_checked(&ev);
                                                    let all = all2.clone();
                                                    let name = name.clone();
                                                    app.set_settings(move |s| {
                                                        let mut list = s.slices.clone().unwrap_or_else(|| {
                                                            all.iter().take(prisme_core::workbench::DEFAULT_SLICES).cloned().collect()
                                                        });
                                                        list.retain(|x| *x != name);
                                                        if checked {
                                                            list.push(name);
                                                        }
                                                        s.slices = Some(list);
                                                    });
                                                }
                                            />
                                            {c.clone()}
                                        </label>
                                    }
                                })
                                .collect_view()
                                .into_any()
                        }}
                        <small>{move || t().slices_help}</small>
                    </fieldset>
                </div>
                <button
                    class="button ghost"
                    data-action="reset-settings"
                    on:click=move |_| app.set_settings(|s| *s = Default::default())
                >
                    {move || t().reset}
                </button>
            </details>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discount_rates_round_trip() {
        let weekly = per_unit_rate(0.10, TimeUnit::Weeks);
        // 1.1^(1/52) − 1 = 0.0018346…
        assert!((weekly - 0.001834_6).abs() < 1e-7, "{weekly}");
        assert!((annual_rate(weekly, TimeUnit::Weeks) - 0.10).abs() < 1e-12);
        assert_eq!(per_unit_rate(0.0, TimeUnit::Months), 0.0);
    }
}
