"""High-precision values of the BG/NBD formulas, for core/tests/clv.rs (which reads the JSON this
writes; nothing here shares code with Prisme).

Usage (from the repository root):
    python3 -m venv /tmp/mpvenv && /tmp/mpvenv/bin/pip install mpmath
    /tmp/mpvenv/bin/python tests/reference/bgnbd_mpmath.py > tests/reference/bgnbd_mpmath.json

mpmath evaluates Fader, Hardie & Lee (2005) as printed, at 60 significant digits, with Gauss's
series summed in mpmath's arithmetic (mpmath's own hyp2f1 stalls on some of the parameters
below, such as 2F1(1.04, 5.3e13; 5.7e13; 0.85); where it answers, the two agree to 50 digits,
checked on every run):
- equation (10), E[X(T, T+t) | x, t_x, T], with the paper's 2F1(r+x, b+x; a+b+x-1; z);
- equation (7), E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))];
- P(alive) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).

Cases:
- huge_ab: a = 4e12, b = 5.3e13, the kind of fit an optimiser returns on its way to the
  common-dropout limit (the values bgnbd.rs cites);
- no_dropout: a = 1e-40, b = 2 (Beta(a, b) -> all mass at p = 0): the limit Prisme reports as
  "no dropout identified", within 1e-39 of it;
- same_dropout: a = p K, b = (1 - p) K with K = 1e40 and p = 0.07: every customer's dropout
  probability is p, the limit Prisme reports as "same for everyone", within 1e-39 of it.
"""
import json

import mpmath as mp

mp.mp.dps = 60


def series(a, b, c, z):
    """Gauss's series for positive a, b, c and 0 <= z < 1, to the working precision. Once the
    term ratio's bound z max(1, (a+n)/(n+1)) max(1, (b+n)/(c+n)) (both factors monotone in n)
    is below 1, the remaining terms are below a geometric series."""
    a, b, c, z = map(mp.mpf, (a, b, c, z))
    assert a > 0 and b > 0 and c > 0 and 0 <= z < 1
    total = term = mp.mpf(1)
    n = 0
    while True:
        term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
        total += term
        n += 1
        bound = z * max(1, (a + n) / (n + 1)) * max(1, (b + n) / (c + n))
        if bound < 1 and term * bound / (1 - bound) < mp.eps * total:
            return total


def hyp2f1(a, b, c, z):
    return series(a, b, c, z)


def conditional_expected(r, alpha, a, b, t, x, tx, T):
    r, alpha, a, b, t, tx, T = map(mp.mpf, (r, alpha, a, b, t, tx, T))
    z = t / (alpha + T + t)
    second = 1 - hyp2f1(r + x, b + x, a + b + x - 1, z) * ((alpha + T) / (alpha + t + T)) ** (r + x)
    den = 1 + (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) if x > 0 else 1
    return (a + b + x - 1) / (a - 1) * second / den


def unconditional_expected(r, alpha, a, b, t):
    r, alpha, a, b, t = map(mp.mpf, (r, alpha, a, b, t))
    f = hyp2f1(r, b, a + b - 1, t / (alpha + t))
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * f)


def p_alive(r, alpha, a, b, x, tx, T):
    if x == 0:
        return mp.mpf(1)
    r, alpha, a, b, tx, T = map(mp.mpf, (r, alpha, a, b, tx, T))
    return 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


CUSTOMERS = [(0, 0.0, 60.0), (1, 30.0, 60.0), (3, 40.0, 60.0), (8, 59.0, 60.0), (25, 20.0, 52.0)]
HORIZONS = [1.0, 10.0, 52.0]

K = mp.mpf(10) ** 40
P = mp.mpf("0.07")
MODELS = {
    "huge_ab": dict(r=1.04, alpha=1.73, a=4e12, b=5.3e13),
    "no_dropout": dict(r=0.55, alpha=4.2, a=mp.mpf(10) ** -40, b=2.0),
    "same_dropout": dict(r=1.04, alpha=1.73, a=P * K, b=(1 - P) * K),
}


# The series against mpmath's hyp2f1 where the latter answers quickly.
for args in [(1.04 + 3, 5.3e13 + 3, 4e12 + 5.3e13 + 2, 52 / (1.73 + 60 + 52)), (0.55, 2.0, 1 + mp.mpf(10) ** -40, 0.5),
             (4.04, 0.93e40, 1e40 + 2, 0.4), (0.242593, 2.425891, 2.218810, 0.9), (2.5, 3.5, 4.0, 0.3)]:
    assert abs(series(*args) / mp.hyp2f1(*args) - 1) < mp.mpf(10) ** -50, args


def num(v):
    return float(mp.nstr(v, 20))


out = {"generator": "tests/reference/bgnbd_mpmath.py", "mpmath": mp.__version__, "dps": mp.mp.dps, "models": {}}
for name, m in MODELS.items():
    rows = []
    for x, tx, T in CUSTOMERS:
        row = dict(x=x, t_x=tx, T=T, p_alive=num(p_alive(m["r"], m["alpha"], m["a"], m["b"], x, tx, T)))
        row["expected"] = [dict(t=t, value=num(conditional_expected(m["r"], m["alpha"], m["a"], m["b"], t, x, tx, T)))
                           for t in HORIZONS]
        rows.append(row)
    out["models"][name] = dict(
        r=m["r"], alpha=m["alpha"],
        # a and b as written by Prisme's limits are not these: the limit models carry p.
        a=num(m["a"]), b=num(m["b"]),
        p=num(P) if name == "same_dropout" else None,
        customers=rows,
        unconditional=[dict(t=t, value=num(unconditional_expected(m["r"], m["alpha"], m["a"], m["b"], t)))
                       for t in HORIZONS],
    )
print(json.dumps(out, indent=1))
