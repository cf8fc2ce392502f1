//! What the corpus tests share: counts of one yes/no decision, their ratios, and the table
//! they are printed in.

/// Counts of one yes/no decision.
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// True positives.
    pub tp: u32,
    /// False positives.
    pub fp: u32,
    /// False negatives.
    pub fn_: u32,
}

impl Counts {
    /// Counts one decision: what was true and what was predicted.
    pub fn add(&mut self, truth: bool, predicted: bool) {
        match (truth, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => {}
        }
    }
    /// tp / (tp + fp); 1 when nothing was predicted.
    pub fn precision(self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// tp / (tp + fn); 1 when nothing was true.
    pub fn recall(self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// The harmonic mean of precision and recall.
    pub fn f1(self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// `a / b`, and 1 for `0 / 0`.
pub fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        1.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

/// Prints the header of a table of counts whose first column is `width` wide.
pub fn print_header(width: usize) {
    println!(
        "{:<width$} {:>4} {:>4} {:>4} {:>9} {:>7} {:>6}",
        "", "TP", "FP", "FN", "precision", "recall", "F1"
    );
}

/// Prints one row of that table.
pub fn print_row(width: usize, what: &str, c: Counts) {
    println!(
        "{what:<width$} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>6.3}",
        c.tp,
        c.fp,
        c.fn_,
        c.precision(),
        c.recall(),
        c.f1()
    );
}
