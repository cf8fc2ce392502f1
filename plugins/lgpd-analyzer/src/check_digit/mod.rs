//! Check digits of Brazilian identifiers, each exactly as its issuer defines it.
//!
//! Every module exposes the digits' computation (so tests and generators can build valid numbers)
//! and an `is_valid` that judges a number the way the issuer's own validator does. Inputs are
//! already-parsed digit values; parsing the text is `numbers.rs`'s job.

pub mod cnpj;
pub mod cns;
pub mod cpf;
pub mod pis;
pub mod rg_sp;
pub mod titulo;

/// Σ digit·weight, the core of every mod-11 scheme here.
fn weighted_sum(values: &[u32], weights: &[u32]) -> u32 {
    values.iter().zip(weights).map(|(v, w)| v * w).sum()
}

/// The Receita Federal's rule (CPF, CNPJ): remainder below 2 gives 0, otherwise 11 − remainder.
fn receita_digit(sum: u32) -> u32 {
    let rest = sum % 11;
    if rest < 2 { 0 } else { 11 - rest }
}

#[cfg(test)]
pub(crate) mod tests {
    /// The digit values of a formatted number, as a fixed-size array.
    pub fn digits<const N: usize>(s: &str) -> [u8; N] {
        let v: Vec<u8> = s
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        v.try_into().expect("digit count")
    }
}
