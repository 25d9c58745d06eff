"""Reference values for core/tests/clv.rs, computed independently of Prisme's Rust code.

Run (from the repository root, after `cargo xtask refdata`):

    python3 -m venv /tmp/clvenv && /tmp/clvenv/bin/pip install scipy lifetimes==0.11.3
    /tmp/clvenv/bin/python core/tests/reference/clv_reference.py target/refdata > core/tests/reference/clv_lifetimes.json

Uses the `lifetimes` library (0.11.3, the package the CDNOW files ship in) for the BG/NBD and
Gamma-Gamma fits and predictions, and scipy.special for Gauss's hypergeometric function and
ln-gamma. The output is committed; the Rust test only reads it.
"""
import json
import sys
import warnings

import numpy as np
import pandas as pd
from scipy.special import gammaln, hyp2f1

warnings.simplefilter("ignore")
from lifetimes import BetaGeoFitter, GammaGammaFitter  # noqa: E402
from lifetimes.utils import calibration_and_holdout_data  # noqa: E402

refdata = sys.argv[1]


def num(v):
    return float(np.asarray(v, dtype=float).reshape(-1)[0])


out = {"lifetimes_version": "0.11.3"}

# Special functions.
hyp_cases = [
    (1.0, 1.0, 2.0, 0.5),
    (0.5, 0.5, 1.5, 0.25),
    (2.5, 3.5, 4.0, 0.3),
    (0.242593, 2.425891, 2.218810, 0.9),
    (10.242593, 12.425891, 12.218810, 0.47),
    (-0.45, -0.207081, 13.218810, 0.47),
    (-0.45, -0.207081, 3.218810, 0.99),
    (1.3, 2.7, 5.1, -0.6),
    (3.0, -2.0, 1.5, 0.7),
]
out["hyp2f1"] = [dict(a=a, b=b, c=c, z=z, value=float(hyp2f1(a, b, c, z))) for a, b, c, z in hyp_cases]
out["ln_gamma"] = [dict(x=x, value=float(gammaln(x))) for x in [0.1, 0.5, 1.0, 1.5, 2.0, 3.7, 10.0, 33.3, 100.0, 1234.5]]

# Frequent buyers, from the paper's equation (10) written out with scipy's hyp2f1 (the terms
# reach 1e137, still within double range at x = 400).
def conditional_expected(r, alpha, a, b, t, x, tx, T):
    z = t / (alpha + T + t)
    second = 1 - hyp2f1(r + x, b + x, a + b + x - 1, z) * ((alpha + T) / (alpha + t + T)) ** (r + x)
    den = 1 + (x > 0) * (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x)
    return float((a + b + x - 1) / (a - 1) * second / den)


out["bgnbd_frequent_buyers"] = [
    dict(t=t, x=x, t_x=tx, T=T, value=conditional_expected(0.243, 4.414, 0.793, 2.426, t, x, tx, T))
    for t, x, tx, T in [(52.0, 100, 38.0, 38.86), (52.0, 400, 38.0, 38.86), (52.0, 400, 38.85, 38.86), (10.0, 250, 30.0, 30.5)]
]

# Published BG/NBD parameters (Fader, Hardie & Lee 2005) and lifetimes' formulas applied to them.
published = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)
bgf = BetaGeoFitter()
bgf.params_ = pd.Series(published)
cases = [(0, 0.0, 38.86), (2, 30.43, 38.86), (1, 1.71, 38.86), (7, 35.0, 38.86), (3, 5.0, 38.86),
         (14, 37.0, 38.0), (1, 20.0, 27.0), (25, 30.0, 32.0), (5, 10.0, 30.0)]
preds = []
for x, tx, T in cases:
    row = dict(x=x, t_x=tx, T=T)
    row["p_alive"] = num(bgf.conditional_probability_alive(x, tx, T))
    row["expected_39"] = num(bgf.conditional_expected_number_of_purchases_up_to_time(39, x, tx, T))
    row["expected_10"] = num(bgf.conditional_expected_number_of_purchases_up_to_time(10, x, tx, T))
    preds.append(row)
out["bgnbd_published"] = dict(params=published, customers=preds,
                              unconditional=[dict(t=t, value=num(bgf.expected_number_of_purchases_up_to_time(t)))
                                             for t in [1.0, 10.0, 39.0, 78.0]])

# Fits on the CDNOW files shipped with lifetimes.
summary = pd.read_csv(f"{refdata}/cdnow_customers_summary.csv")
bgf = BetaGeoFitter(penalizer_coef=0.0)
bgf.fit(summary["frequency"], summary["recency"], summary["T"])


def bgnbd_ll(r, alpha, a, b, x, tx, T):
    """Sum of the BG/NBD log-likelihood, equation (6) of Fader, Hardie & Lee (2005)."""
    x, tx, T = np.asarray(x, float), np.asarray(tx, float), np.asarray(T, float)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


p = bgf.params_
out["bgnbd_fit_summary_file"] = dict(
    params={k: float(v) for k, v in p.items()},
    log_likelihood=bgnbd_ll(p["r"], p["alpha"], p["a"], p["b"], summary["frequency"], summary["recency"], summary["T"]),
    log_likelihood_published_params=bgnbd_ll(0.243, 4.414, 0.793, 2.426, summary["frequency"], summary["recency"], summary["T"]),
)

mon = pd.read_csv(f"{refdata}/cdnow_customers_summary_with_transactions.csv")
rep = mon[mon["x"] > 0]
ggf = GammaGammaFitter(penalizer_coef=0.0)
ggf.fit(rep["x"], rep["zbar"])
out["gamma_gamma_fit_summary_file"] = dict(params={k: float(v) for k, v in ggf.params_.items()}, n=int(len(rep)))
gg_cases = [(1, 11.77), (2, 22.35), (6, 51.2), (0, 0.0)]
ggp = GammaGammaFitter()
ggp.params_ = pd.Series(dict(p=6.25, q=3.74, v=15.44))
out["gamma_gamma_published"] = dict(params=dict(p=6.25, q=3.74, v=15.44), customers=[
    dict(x=x, zbar=z, expected_spend=float(ggp.conditional_expected_average_profit(pd.Series([x]), pd.Series([z])).iloc[0]))
    for x, z in gg_cases])

# CLV with Prisme's discretisation (one step per time unit), from lifetimes' predictions and the
# published parameters: sum_k spend * (E[X(k)] - E[X(k-1)]) / (1 + d)^k.
bgf_pub = BetaGeoFitter()
bgf_pub.params_ = pd.Series(published)
clv_rows = []
for (x, tx, T), z in [((2, 30.43, 38.86), 22.35), ((1, 1.71, 38.86), 11.77), ((0, 0.0, 38.86), 0.0), ((7, 35.0, 38.86), 40.0)]:
    spend = float(ggp.conditional_expected_average_profit(pd.Series([x]), pd.Series([z])).iloc[0])
    for horizon, d in [(52, 0.0), (52, 0.002), (12, 0.01)]:
        total = 0.0
        prev = 0.0
        for k in range(1, horizon + 1):
            cur = num(bgf_pub.conditional_expected_number_of_purchases_up_to_time(k, x, tx, T))
            total += spend * (cur - prev) / (1 + d) ** k
            prev = cur
        clv_rows.append(dict(x=x, t_x=tx, T=T, zbar=z, horizon=horizon, discount_rate=d, clv=total))
out["clv_published"] = clv_rows

# Calibration/holdout on the raw CDNOW sample (weeks = days / 7, as in the paper).
raw = pd.read_csv(f"{refdata}/CDNOW_sample.txt", sep=r"\s+", header=None,
                  names=["master", "id", "date", "cds", "dollars"], dtype={"date": str})
raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
ch = calibration_and_holdout_data(raw, "id", "date", calibration_period_end="1997-09-30",
                                  observation_period_end="1998-06-30", freq="D", freq_multiplier=7,
                                  monetary_value_col="dollars")
bgc = BetaGeoFitter(penalizer_coef=0.0)
bgc.fit(ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
dur = float(ch["duration_holdout"].iloc[0])
pred = bgc.conditional_expected_number_of_purchases_up_to_time(dur, ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
buckets = []
for f in range(8):
    m = ch["frequency_cal"] == f if f < 7 else ch["frequency_cal"] >= 7
    buckets.append(dict(frequency=f, customers=int(m.sum()), actual=float(ch.loc[m, "frequency_holdout"].sum()),
                        predicted=float(pred[m].sum())))
out["holdout"] = dict(customers=int(len(ch)), duration=dur,
                      params={k: float(v) for k, v in bgc.params_.items()},
                      calibration_repeat_customers=int((ch["frequency_cal"] > 0).sum()),
                      calibration_repeat_purchases=float(ch["frequency_cal"].sum()),
                      actual_total=float(ch["frequency_holdout"].sum()), predicted_total=float(pred.sum()),
                      buckets=buckets)
rep_cal = ch[ch["frequency_cal"] > 0]
ggc = GammaGammaFitter(penalizer_coef=0.0)
ggc.fit(rep_cal["frequency_cal"], rep_cal["monetary_value_cal"])
out["gamma_gamma_fit_raw_calibration"] = dict(params={k: float(v) for k, v in ggc.params_.items()}, n=int(len(rep_cal)))

print(json.dumps(out, indent=1))
