#!/usr/bin/env python3
"""Peer comparison of the ECG analyzer's QRS detector (outside CI; see README.md).

Runs NeuroKit2's default detector and WFDB's XQRS on the synthetic ectopy cases exported by
`cargo run -p ecg-analyzer --release --example export_ectopy_cases -- DIR` and on MIT-BIH
record 100, and prints sensitivity (Se) and positive predictivity (+P) for ours and both peers
side by side. Matching follows ANSI/AAMI EC57:2012: a detection within 150 ms of a reference
beat is that beat, one to one (the rule of WFDB's bxb, as `medplug_wfdb::match_beats`).
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np

warnings.filterwarnings("ignore")

import neurokit2 as nk  # noqa: E402
import wfdb  # noqa: E402
from wfdb import processing  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
# WFDB's isqrs table: the annotation symbols that mark a beat.
BEATS = set("NLRBaJASVrFejnE/fQ?")
# The goal of issue 20: ours at least this, and never more than MARGIN below the better peer.
LEAST = 99.5
MARGIN = 0.3


def match(reference, detected, window):
    """(TP, FN, FP) under bxb's rule: the earlier of the current reference beat and detection
    pairs with the other when within `window` and no closer partner follows."""
    reference, detected = sorted(reference), sorted(detected)
    i = j = tp = 0
    fn = fp = 0
    while i < len(reference) or j < len(detected):
        if j >= len(detected):
            fn += 1
            i += 1
        elif i >= len(reference):
            fp += 1
            j += 1
        elif detected[j] < reference[i]:
            r, d = reference[i], detected[j]
            nxt = detected[j + 1] if j + 1 < len(detected) else None
            if r - d <= window and (nxt is None or r - d < abs(nxt - r)):
                tp += 1
                i += 1
            else:
                fp += 1
            j += 1
        else:
            r, d = reference[i], detected[j]
            nxt = reference[i + 1] if i + 1 < len(reference) else None
            if d - r <= window and (nxt is None or d - r < abs(nxt - d)):
                tp += 1
                j += 1
            else:
                fn += 1
            i += 1
    return tp, fn, fp


def se_ppv(counts):
    tp, fn, fp = counts
    se = 100.0 * tp / (tp + fn) if tp + fn else float("nan")
    ppv = 100.0 * tp / (tp + fp) if tp + fp else float("nan")
    return se, ppv


def neurokit(signal, fs):
    cleaned = nk.ecg_clean(signal, sampling_rate=fs)
    _, info = nk.ecg_peaks(cleaned, sampling_rate=fs)
    return [int(p) for p in info["ECG_R_Peaks"]]


def xqrs(signal, fs):
    detector = processing.XQRS(sig=np.asarray(signal, dtype=float), fs=fs)
    detector.detect(verbose=False)
    return [int(p) for p in detector.qrs_inds]


def read_column(path, column=0, header=False):
    with open(path) as f:
        rows = list(csv.reader(f))
    if header:
        rows = rows[1:]
    return [row[column] for row in rows if row]


def cases(directory):
    with open(os.path.join(directory, "cases.csv")) as f:
        for row in csv.DictReader(f):
            base = os.path.join(directory, row["id"])
            fs = float(row["rate_hz"])
            signal = np.array([float(v) for v in read_column(base + ".signal.csv")])
            truth = [int(v) for v in read_column(base + ".truth.csv", header=True)]
            ours = [int(v) for v in read_column(base + ".ours.csv")]
            yield f'{row["name"]} @ {fs:g} Hz', signal, fs, truth, ours


def record_100(directory, mitdb):
    path = os.path.join(mitdb, "100")
    ours_path = os.path.join(directory, "record100.ours.csv")
    if not os.path.exists(path + ".hea") or not os.path.exists(ours_path):
        print(f"record 100 not found in {mitdb}: skipped", file=sys.stderr)
        return
    record = wfdb.rdrecord(path, channels=[0])
    annotation = wfdb.rdann(path, "atr")
    truth = [s for s, sym in zip(annotation.sample, annotation.symbol) if sym in BEATS]
    ours = [int(v) for v in read_column(ours_path)]
    yield "MIT-BIH record 100 (MLII) @ 360 Hz", record.p_signal[:, 0], record.fs, truth, ours


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", help="exported cases (default: export to a temporary directory)")
    parser.add_argument(
        "--mitdb",
        default=os.environ.get("MEDPLUG_MITDB_DIR", os.path.join(ROOT, "..", "shared", "data", "mitdb")),
        help="directory holding MIT-BIH record 100",
    )
    args = parser.parse_args()
    directory = args.dir or tempfile.mkdtemp(prefix="ecg-peers-")
    if not args.dir:
        env = dict(os.environ, MEDPLUG_MITDB_DIR=os.path.abspath(args.mitdb))
        subprocess.run(
            ["cargo", "run", "-q", "-p", "ecg-analyzer", "--release", "--example",
             "export_ectopy_cases", "--", directory],
            cwd=ROOT, check=True, env=env,
        )
    header = f'{"case":<46} {"n":>5} | {"ours Se":>7} {"+P":>7} | {"NK2 Se":>7} {"+P":>7} | {"XQRS Se":>7} {"+P":>7} | goal'
    print(header)
    print("-" * len(header))
    misses = 0
    for name, signal, fs, truth, ours in list(cases(directory)) + list(record_100(directory, args.mitdb)):
        window = round(0.150 * fs)
        results = []
        for detections in (ours, neurokit(signal, fs), xqrs(signal, fs)):
            results.append(se_ppv(match(truth, detections, window)))
        (se, ppv), peers = results[0], results[1:]
        best_se = max(p[0] for p in peers)
        best_ppv = max(p[1] for p in peers)
        ok = min(se, ppv) >= LEAST and se >= best_se - MARGIN and ppv >= best_ppv - MARGIN
        misses += not ok
        cells = " | ".join(f"{s:7.2f} {p:7.2f}" for s, p in results)
        print(f"{name:<46} {len(truth):>5} | {cells} | {'ok' if ok else 'MISSED'}")
    print(f"\n{misses} case(s) miss the goal (ours ≥ {LEAST} % and within {MARGIN} points of the better peer)")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
