//! Cohorts: `/cohorts?period=quarter&pick=2024-Q1,2024-Q3`, `data-page="cohorts"`.
//!
//! Customers grouped by the period of their first purchase: the retention and revenue
//! matrices as heat maps, the repeat rate of each cohort, and the retention curves of chosen
//! cohorts. Months, quarters and years are all in the report.

use leptos::prelude::*;
use leptos_router::hooks::query_signal;
use prisme_core::cohort::Cohorts;
use prisme_core::period::Period;

use crate::charts::{BarChart, HeatMatrix, LineChart, NumFmt, Series};
use crate::store::use_app;
use crate::ui::widgets::{Picker, Section, Unavailable};

fn period_key(p: Period) -> &'static str {
    match p {
        Period::Week => "week",
        Period::Month => "month",
        Period::Quarter => "quarter",
        Period::Year => "year",
    }
}

/// At most this many cohorts in the matrices (the most recent ones).
pub(crate) const MAX_ROWS: usize = 36;

#[component]
pub fn CohortsPage() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let c = move || lang.get().coh();
    let (period_q, set_period) = query_signal::<String>("period");
    let (pick_q, set_pick) = query_signal::<String>("pick");

    let all = Memo::new(move |_| {
        app.report.with(|r| {
            let r = r.as_ref()?;
            let mut v: Vec<Cohorts> = r.cohorts.iter().cloned().collect();
            v.extend(r.charts.more_cohorts.iter().cloned());
            if v.is_empty() {
                return None;
            }
            // By period, the shortest first.
            let keys: Vec<f64> = v.iter().map(|c| -f64::from(c.period as u8)).collect();
            Some(
                crate::charts::order_desc(&keys)
                    .into_iter()
                    .map(|i| v[i].clone())
                    .collect::<Vec<Cohorts>>(),
            )
        })
    });
    let chosen = Memo::new(move |_| {
        let all = all.get()?;
        let want = period_q.get();
        all.iter()
            .find(|c| Some(period_key(c.period)) == want.as_deref())
            .or_else(|| all.first())
            .cloned()
    });
    let period_options = Signal::derive(move || {
        let l = lang.get();
        all.get()
            .unwrap_or_default()
            .iter()
            .map(|c| {
                (
                    period_key(c.period).to_string(),
                    l.period_name(c.period).to_string(),
                )
            })
            .collect::<Vec<_>>()
    });

    let matrices = move || {
        let l = lang.get();
        let co = chosen.get()?;
        let list: Vec<_> = co
            .cohorts
            .iter()
            .rev()
            .take(MAX_ROWS)
            .rev()
            .cloned()
            .collect();
        let rows: Vec<String> = list.iter().map(|k| l.period(&k.label)).collect();
        let cols: Vec<String> = (0..co.offsets).map(|o| format!("+{o}")).collect();
        let retention: Vec<Vec<Option<f64>>> = list
            .iter()
            .map(|k| {
                (0..co.offsets)
                    .map(|o| k.retention.get(o).copied())
                    .collect()
            })
            .collect();
        let revenue: Vec<Vec<Option<f64>>> = list
            .iter()
            .map(|k| {
                (0..co.offsets)
                    .map(|o| k.cumulative_revenue_per_customer.get(o).copied())
                    .collect()
            })
            .collect();
        let repeat: Vec<f64> = list.iter().map(|k| k.repeat_rate).collect();
        let sizes: Vec<f64> = list.iter().map(|k| k.size as f64).collect();
        let width = (180.0 + 40.0 * co.offsets as f64).clamp(640.0, 1000.0);
        // Offset 0 is 100 % by definition: the colours spread over the later offsets.
        let later_max = list
            .iter()
            .flat_map(|k| k.retention.iter().skip(1).copied())
            .fold(0.0, f64::max);
        Some(view! {
            <HeatMatrix
                id="retention".to_string()
                title=Signal::derive(move || lang.get().coh().retention_title.to_string())
                note=Signal::derive(move || lang.get().coh().retention_note.to_string())
                rows=rows.clone()
                cols=cols.clone()
                values=retention
                scale_max=later_max
                fmt=NumFmt::Pct
                lang=lang.into()
                width=width
                cell_height=22.0
                row_title=Signal::derive(move || lang.get().coh().cohort.to_string())
                col_title=Signal::derive(move || lang.get().coh().periods_after.to_string())
            />
            <HeatMatrix
                id="cohort-revenue".to_string()
                title=Signal::derive(move || lang.get().coh().revenue_title.to_string())
                note=Signal::derive(move || lang.get().coh().revenue_note.to_string())
                rows=rows.clone()
                cols=cols
                values=revenue
                fmt=NumFmt::Money
                lang=lang.into()
                width=width
                cell_height=22.0
                row_title=Signal::derive(move || lang.get().coh().cohort.to_string())
                col_title=Signal::derive(move || lang.get().coh().periods_after.to_string())
            />
            <div class="two-col">
                <BarChart
                    id="repeat-rate".to_string()
                    title=Signal::derive(move || lang.get().coh().repeat_title.to_string())
                    note=Signal::derive(move || lang.get().coh().repeat_note.to_string())
                    labels=rows.clone()
                    series=vec![Series::new(l.coh().repeat_rate, repeat, 2)]
                    fmt=NumFmt::Pct
                    lang=lang.into()
                    width=560.0
                    height=260.0
                    label_title=Signal::derive(move || lang.get().coh().cohort.to_string())
                />
                <BarChart
                    id="cohort-size".to_string()
                    title=Signal::derive(move || lang.get().coh().size_title.to_string())
                    labels=rows
                    series=vec![Series::new(l.coh().new_customers, sizes, 0)]
                    fmt=NumFmt::Int
                    lang=lang.into()
                    width=560.0
                    height=260.0
                    label_title=Signal::derive(move || lang.get().coh().cohort.to_string())
                />
            </div>
        })
    };

    // Retention curves of the picked cohorts (default: four spread over the data).
    let picked = Memo::new(move |_| {
        let co = chosen.get()?;
        let labels: Vec<String> = co.cohorts.iter().map(|k| k.label.clone()).collect();
        let from_q: Vec<String> = pick_q
            .get()
            .map(|p| {
                p.split(',')
                    .map(str::to_string)
                    .filter(|l| labels.contains(l))
                    .collect()
            })
            .unwrap_or_default();
        if !from_q.is_empty() {
            return Some(from_q);
        }
        let n = labels.len();
        let step = (n / 4).max(1);
        Some(
            (0..n)
                .step_by(step)
                .take(4)
                .map(|i| labels[i].clone())
                .collect(),
        )
    });
    let curves = move || {
        let l = lang.get();
        let co = chosen.get()?;
        let picked = picked.get()?;
        let series: Vec<Series> = co
            .cohorts
            .iter()
            .filter(|k| picked.contains(&k.label))
            .enumerate()
            .map(|(i, k)| {
                let values = (0..co.offsets)
                    .map(|o| k.retention.get(o).copied().unwrap_or(f64::NAN))
                    .collect();
                Series::new(l.period(&k.label), values, i)
            })
            .collect();
        let labels: Vec<String> = (0..co.offsets).map(|o| format!("+{o}")).collect();
        Some(view! {
            <LineChart
                id="retention-curves".to_string()
                title=Signal::derive(move || lang.get().coh().curves_title.to_string())
                labels=labels
                series=series
                fmt=NumFmt::Pct
                lang=lang.into()
                width=1000.0
                height=300.0
                dots=true
                label_title=Signal::derive(move || lang.get().coh().periods_after.to_string())
            />
        })
    };
    let pickers = move || {
        let l = lang.get();
        let co = chosen.get()?;
        let current = picked.get().unwrap_or_default();
        Some(
            co.cohorts
                .iter()
                .map(|k| {
                    let label = k.label.clone();
                    let checked = current.contains(&label);
                    let current = current.clone();
                    view! {
                        <label class="chip-check">
                            <input
                                type="checkbox"
                                prop:checked=checked
                                on:change=move |_| {
                                    let mut next = current.clone();
                                    if let Some(i) = next.iter().position(|x| *x == label) {
                                        next.remove(i);
                                    } else {
                                        next.push(label.clone());
                                    }
                                    set_pick.set((!next.is_empty()).then(|| next.join(",")));
                                }
                            />
                            {l.period(&k.label)}
                        </label>
                    }
                })
                .collect_view(),
        )
    };

    view! {
        <Show when=move || all.with(Option::is_some) fallback=|| view! { <Unavailable/> }>
        <div class="filters no-print">
            <Picker
                label=Signal::derive(move || c().period.to_string())
                options=period_options
                value=Signal::derive(move || chosen.get().map(|c| period_key(c.period).to_string()).unwrap_or_default())
                on_pick=move |v| {
                    set_pick.set(None);
                    set_period.set(Some(v));
                }
                testid="cohort-period"
            />
        </div>
        <Section title=Signal::derive(move || c().matrices_title.to_string()) intro=Signal::derive(move || c().intro.to_string()) id="matrices">
            {matrices}
        </Section>
        <Section title=Signal::derive(move || c().curves_section.to_string()) id="curves">
            <div class="chips no-print" role="group" aria-label=move || c().pick_cohorts>{pickers}</div>
            {curves}
        </Section>
        </Show>
    }
}
