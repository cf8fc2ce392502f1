//! Signal files (`.dat`): decoding formats 212 and 16 and checking sample counts and checksums.
//!
//! The formats are the WFDB Applications Guide's signal(5),
//! <https://physionet.org/physiotools/wag/signal-5.htm>. Signals that share a file are
//! interleaved sample by sample (one frame holds one sample of each, in header order); format 212
//! packs that stream, across frame boundaries, two 12-bit samples to three bytes.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{Format, Header, SignalSpec, WfdbError};

/// Reads the samples of every signal of `header`, whose signal files are in `dir`; one vector
/// per signal, in header order, in ADC units (convert with [`SignalSpec::to_physical`]).
///
/// Fails when a file holds another number of samples than the header says, or, where the
/// header gives a length and a checksum, when a signal's 16-bit sum differs from it.
pub fn read_signals(header: &Header, dir: &Path) -> Result<Vec<Vec<i16>>, WfdbError> {
    let mut signals = vec![Vec::new(); header.signals.len()];
    // With no length in the header, the first file sets it and the others must agree.
    let mut measured: Option<(u64, PathBuf)> = None;
    for group in groups(&header.signals) {
        let first = &header.signals[group.start];
        let path = dir.join(&first.file_name);
        let bytes = std::fs::read(&path).map_err(|e| WfdbError::io(&path, e))?;
        let data = usize::try_from(first.byte_offset)
            .ok()
            .and_then(|offset| bytes.get(offset..))
            .unwrap_or_default();
        let width = group.len() as u64;
        let len = data.len() as u64;
        let found = whole_frames(first.format, len, width);
        let frames = if let Some(expected) = header.samples_per_signal {
            // A writer may pad a lone last 212 sample to a whole pair.
            let padded = width == 1
                && found.checked_sub(1) == Some(expected)
                && pads(first.format, expected, len);
            if found != expected && !padded {
                return Err(WfdbError::SampleCount {
                    path,
                    expected,
                    found,
                });
            }
            expected
        } else {
            let exact = bytes_for(first.format, found * width) == len;
            if !exact && !pads(first.format, found * width, len) {
                return Err(WfdbError::PartialFrame {
                    path,
                    len,
                    signals: group.len(),
                });
            }
            match &measured {
                Some((expected, other)) if *expected != found => {
                    return Err(WfdbError::UnequalLengths {
                        path,
                        found,
                        other: other.clone(),
                        expected: *expected,
                    });
                }
                Some(_) => {}
                None => measured = Some((found, path.clone())),
            }
            found
        };
        let count = usize::try_from(frames * width).unwrap_or(usize::MAX);
        let samples = match first.format {
            Format::Packed12 => decode_212(data, count),
            Format::Le16 => decode_16(data, count),
        };
        for signal in &mut signals[group.clone()] {
            signal.reserve(usize::try_from(frames).unwrap_or_default());
        }
        for (k, value) in samples.into_iter().enumerate() {
            signals[group.start + k % group.len()].push(value);
        }
    }
    if header.samples_per_signal.is_some() {
        for (index, (spec, samples)) in header.signals.iter().zip(&signals).enumerate() {
            verify_checksum(spec, index, samples, dir)?;
        }
    }
    Ok(signals)
}

/// The runs of consecutive signals stored in one file.
fn groups(signals: &[SignalSpec]) -> Vec<Range<usize>> {
    let mut groups: Vec<Range<usize>> = Vec::new();
    for (i, spec) in signals.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if signals[g.start].file_name == spec.file_name => g.end = i + 1,
            _ => groups.push(i..i + 1),
        }
    }
    groups
}

/// Whole frames of `width` samples in `len` bytes.
fn whole_frames(format: Format, len: u64, width: u64) -> u64 {
    let samples = match format {
        // Each three bytes hold two samples; two trailing bytes hold the first of a pair.
        Format::Packed12 => len / 3 * 2 + u64::from(len % 3 == 2),
        Format::Le16 => len / 2,
    };
    samples / width
}

/// Whether `len` bytes are `samples` samples of a 212 stream whose odd last sample was padded to
/// a whole three-byte pair.
fn pads(format: Format, samples: u64, len: u64) -> bool {
    format == Format::Packed12 && samples % 2 == 1 && len == bytes_for(format, samples) + 1
}

/// Bytes that `samples` samples take.
fn bytes_for(format: Format, samples: u64) -> u64 {
    match format {
        Format::Packed12 => samples / 2 * 3 + (samples % 2) * 2,
        Format::Le16 => samples * 2,
    }
}

/// Decodes the first `count` samples of a format-212 stream.
///
/// Each pair of samples takes three bytes: the first sample is the low 12 bits of the
/// little-endian word made of bytes 0 and 1; the second is byte 2, with the high nibble of byte 1
/// as its top four bits. Both are 12-bit two's complement.
pub(crate) fn decode_212(bytes: &[u8], count: usize) -> Vec<i16> {
    let mut out = Vec::with_capacity(count);
    for chunk in bytes.chunks(3) {
        if out.len() >= count || chunk.len() < 2 {
            break;
        }
        let (b0, b1) = (u16::from(chunk[0]), u16::from(chunk[1]));
        out.push(sign_extend_12(b0 | (b1 & 0x0f) << 8));
        if out.len() < count
            && let Some(&b2) = chunk.get(2)
        {
            out.push(sign_extend_12(u16::from(b2) | (b1 & 0xf0) << 4));
        }
    }
    out
}

fn sign_extend_12(raw: u16) -> i16 {
    // Move bit 11 to the sign bit, then shift back arithmetically.
    ((raw << 4) as i16) >> 4
}

/// Decodes the first `count` samples of a format-16 stream (little-endian i16).
pub(crate) fn decode_16(bytes: &[u8], count: usize) -> Vec<i16> {
    bytes
        .chunks_exact(2)
        .take(count)
        .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
        .collect()
}

/// The header's checksum is the 16-bit wrapping sum of the signal's samples (header(5)).
fn verify_checksum(
    spec: &SignalSpec,
    index: usize,
    samples: &[i16],
    dir: &Path,
) -> Result<(), WfdbError> {
    let Some(expected) = spec.checksum else {
        return Ok(());
    };
    let computed = checksum(samples);
    if computed == expected {
        return Ok(());
    }
    Err(WfdbError::Checksum {
        path: dir.join(&spec.file_name),
        signal: index,
        description: spec.description.clone(),
        expected,
        computed,
    })
}

/// The 16-bit wrapping sum of `samples`, as a WFDB header's checksum field.
pub fn checksum(samples: &[i16]) -> i16 {
    samples.iter().fold(0i16, |sum, s| sum.wrapping_add(*s))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Packs samples into format 212, the way a WFDB writer does.
    fn pack_212(samples: &[i16]) -> Vec<u8> {
        let mut out = Vec::new();
        for pair in samples.chunks(2) {
            let a = pair[0] as u16 & 0x0fff;
            out.push((a & 0xff) as u8);
            let b = pair.get(1).map_or(0, |b| *b as u16 & 0x0fff);
            out.push(((a >> 8) | ((b >> 8) << 4)) as u8);
            if pair.len() == 2 {
                out.push((b & 0xff) as u8);
            }
        }
        out
    }

    #[test]
    fn format_212_decodes_negative_and_extreme_values() {
        // 0x3e3 = 995, 0x3f3 = 1011: the first frame of MIT-BIH record 100.
        assert_eq!(decode_212(&[0xe3, 0x33, 0xf3], 2), [995, 1011]);
        // -1 = 0xfff, -2048 = 0x800, 2047 = 0x7ff, -300 = 0xed4.
        assert_eq!(decode_212(&[0xff, 0x8f, 0x00], 2), [-1, -2048]);
        assert_eq!(decode_212(&[0xff, 0xe7, 0xd4], 2), [2047, -300]);
        let values = [-2048, -1, 0, 1, 2047, -1000, 1000];
        assert_eq!(decode_212(&pack_212(&values), values.len()), values);
        // An odd count stops after the first sample of the last pair.
        assert_eq!(decode_212(&[0xff, 0x8f, 0x00], 1), [-1]);
    }

    #[test]
    fn format_16_is_little_endian_twos_complement() {
        assert_eq!(
            decode_16(&[0x01, 0x00, 0xff, 0xff, 0x00, 0x80, 0xff, 0x7f], 4),
            [1, -1, i16::MIN, i16::MAX]
        );
    }

    #[test]
    fn checksums_wrap_at_16_bits() {
        assert_eq!(checksum(&[i16::MAX, 1]), i16::MIN);
        assert_eq!(checksum(&[]), 0);
    }

    fn write_record(dir: &Path, header: &str, files: &[(&str, &[u8])]) -> anyhow::Result<Header> {
        for (name, bytes) in files {
            std::fs::write(dir.join(name), bytes)?;
        }
        Ok(Header::parse(header, &dir.join("r.hea"))?)
    }

    #[test]
    fn signals_sharing_a_file_are_deinterleaved_and_checked() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        // Three signals in one 212 file: the pairs run across frame boundaries.
        let frames: [[i16; 3]; 3] = [[1, -2, 3], [-4, 5, -6], [2047, -2048, 0]];
        let flat: Vec<i16> = frames.iter().flatten().copied().collect();
        let sums: Vec<i16> = (0..3).map(|s| checksum(&frames.map(|f| f[s]))).collect();
        let text = format!(
            "r 4 360 3\na.dat 212 200 12 0 1 {} 0 I\na.dat 212 200 12 0 -4 {} 0 II\na.dat 212 200 12 0 3 {} 0 III\nb.dat 16 100 16 0 7 21 0 P\n",
            sums[0], sums[1], sums[2]
        );
        let b: Vec<u8> = [7i16, 7, 7].iter().flat_map(|v| v.to_le_bytes()).collect();
        let header = write_record(
            dir.path(),
            &text,
            &[("a.dat", &pack_212(&flat)), ("b.dat", &b)],
        )?;
        let signals = read_signals(&header, dir.path())?;
        assert_eq!(
            signals,
            [
                vec![1, -4, 2047],
                vec![-2, 5, -2048],
                vec![3, -6, 0],
                vec![7, 7, 7]
            ]
        );
        Ok(())
    }

    #[test]
    fn a_byte_offset_skips_the_preamble() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let header = write_record(
            dir.path(),
            "r 1 100 2\nx.dat 16+3\n",
            &[("x.dat", &[9, 9, 9, 2, 0, 0xfe, 0xff])],
        )?;
        assert_eq!(read_signals(&header, dir.path())?, [vec![2, -2]]);
        Ok(())
    }

    #[test]
    fn without_a_length_the_file_sets_it() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let header = write_record(
            dir.path(),
            "r 2 100\nx.dat 212 200 12 0 0 999\nx.dat 212\n",
            &[("x.dat", &pack_212(&[1, 2, 3, 4]))],
        )?;
        // No length: the checksum is not verified (header(5)).
        assert_eq!(read_signals(&header, dir.path())?, [vec![1, 3], vec![2, 4]]);
        let header = write_record(
            dir.path(),
            "r 2 100\nx.dat 16\nx.dat 16\n",
            &[("x.dat", &[1, 0, 2, 0, 3, 0])],
        )?;
        let e = read_signals(&header, dir.path()).unwrap_err();
        assert!(
            matches!(
                e,
                WfdbError::PartialFrame {
                    len: 6,
                    signals: 2,
                    ..
                }
            ),
            "{e}"
        );
        Ok(())
    }

    #[test]
    fn a_truncated_file_is_refused() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let header = write_record(
            dir.path(),
            "r 2 360 4\nx.dat 212\nx.dat 212\n",
            &[("x.dat", &pack_212(&[1, 2, 3, 4, 5, 6]))],
        )?;
        let e = read_signals(&header, dir.path()).unwrap_err();
        assert!(
            matches!(
                e,
                WfdbError::SampleCount {
                    expected: 4,
                    found: 3,
                    ..
                }
            ),
            "{e}"
        );
        assert_eq!(
            e.to_string(),
            format!(
                "{} holds 3 samples per signal but the header says 4: the file is truncated or does not belong to this header",
                dir.path().join("x.dat").display()
            )
        );
        Ok(())
    }

    #[test]
    fn a_wrong_checksum_names_the_signal() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let header = write_record(
            dir.path(),
            "r 1 360 2\nx.dat 16 200 16 0 5 11 0 V5\n",
            &[("x.dat", &[5, 0, 7, 0])],
        )?;
        let e = read_signals(&header, dir.path()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: signal 0 (V5) has checksum 12 but the header says 11: the signal file is corrupt",
                dir.path().join("x.dat").display()
            )
        );
        Ok(())
    }

    #[test]
    fn a_missing_file_names_its_path() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let header = write_record(dir.path(), "r 1 360 2\nnone.dat 16\n", &[])?;
        let e = read_signals(&header, dir.path()).unwrap_err();
        assert!(
            e.to_string().starts_with(&format!(
                "cannot read {}: ",
                dir.path().join("none.dat").display()
            )),
            "{e}"
        );
        Ok(())
    }
}
