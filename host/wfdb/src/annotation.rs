//! [`Annotation`]s read from MIT-format annotation files (`.atr` and other annotators).
//!
//! The format is the WFDB Applications Guide's annot(5),
//! <https://physionet.org/physiotools/wag/annot-5.htm>: a stream of 16-bit little-endian words,
//! each a 6-bit code (high bits) and a 10-bit field (low bits). Codes 1–58 are annotations whose
//! field is the time since the previous one; codes 59–63 are pseudo-annotations: SKIP (a longer
//! interval in the next two words), NUM, SUB and CHN (fields of the annotation just read) and AUX
//! (a string of up to 255 bytes, padded to an even length). A word of 0 ends the file. The
//! mnemonics and the beat codes are the WFDB library's `ecgcodes.h`, `ecgmap.h` (`isqrs`) and
//! `annot.c` (`ecgstr`).

use std::path::Path;

use super::WfdbError;
use super::with_suffix;

const SKIP: u8 = 59;
const NUM: u8 = 60;
const SUB: u8 = 61;
const CHN: u8 = 62;
const AUX: u8 = 63;

/// One annotation: a labelled sample of the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// The sample it labels, counted from sample 0 of the record.
    pub sample: u64,
    /// The annotation code (`ecgcodes.h`: 1 NORMAL, 5 PVC, 28 RHYTHM, ...).
    pub code: u8,
    /// The subtype (for NOISE, which signals are unreadable); 0 unless a SUB word sets it.
    pub subtype: i8,
    /// The signal it refers to; carried over from the previous annotation unless a CHN word
    /// sets it.
    pub chan: u8,
    /// A free number; carried over from the previous annotation unless a NUM word sets it.
    pub num: i8,
    /// Auxiliary text (for RHYTHM annotations, the rhythm such as `(N` or `(AFIB`), up to its
    /// first NUL byte; bytes that are not UTF-8 are replaced by U+FFFD.
    pub aux: Option<String>,
}

impl Annotation {
    /// The WFDB mnemonic of the code (`N`, `V`, `+`, ...); see [`symbol`].
    pub fn symbol(&self) -> &'static str {
        symbol(self.code)
    }

    /// Whether the annotation marks a QRS complex; see [`is_beat`].
    pub fn is_beat(&self) -> bool {
        is_beat(self.code)
    }
}

/// Mnemonics of codes 0–58, as the WFDB library's `ecgstr` prints them; undefined codes print as
/// their number in brackets.
const SYMBOLS: [&str; 59] = [
    " ", "N", "L", "R", "a", "V", "F", "J", "A", "S", // 0-9
    "E", "j", "/", "Q", "~", "[15]", "|", "[17]", "s", "T", // 10-19
    "*", "D", "\"", "=", "p", "B", "^", "t", "+", "u", // 20-29
    "?", "!", "[", "]", "e", "n", "@", "x", "f", "(", // 30-39
    ")", "r", "[42]", "[43]", "[44]", "[45]", "[46]", "[47]", "[48]", "[49]", // 40-49
    "[50]", "[51]", "[52]", "[53]", "[54]", "[55]", "[56]", "[57]", "[58]", // 50-58
];

/// The WFDB mnemonic of an annotation code: `N` normal, `L`/`R` bundle branch block, `a`
/// aberrated APC, `V` PVC, `F` fusion, `J` nodal premature, `A` APC, `S` SVPB, `E` ventricular
/// escape, `j` nodal escape, `/` paced, `Q` unclassifiable, `+` rhythm change, `~` noise, ...
pub fn symbol(code: u8) -> &'static str {
    SYMBOLS.get(usize::from(code)).copied().unwrap_or("[?]")
}

/// Whether an annotation code marks a QRS complex, per the WFDB library's `isqrs` table
/// (`ecgmap.h`): codes 1–13 (NORMAL to UNKNOWN), 25 (BBB), 30 (LEARN), 31 (FLWAV), 34 (AESC),
/// 35 (SVESC), 38 (PFUS) and 41 (RONT).
pub fn is_beat(code: u8) -> bool {
    matches!(code, 1..=13 | 25 | 30 | 31 | 34 | 35 | 38 | 41)
}

/// Reads the annotation file `<record>.<annotator>`, e.g. `read_annotations("mitdb/100", "atr")`.
pub fn read_annotations(
    record: impl AsRef<Path>,
    annotator: &str,
) -> Result<Vec<Annotation>, WfdbError> {
    let path = with_suffix(record.as_ref(), annotator);
    let bytes = std::fs::read(&path).map_err(|e| WfdbError::io(&path, e))?;
    parse_annotations(&bytes, &path)
}

/// Decodes the bytes of an MIT-format annotation file; `path` names the file in errors.
pub fn parse_annotations(bytes: &[u8], path: &Path) -> Result<Vec<Annotation>, WfdbError> {
    let mut reader = Words {
        bytes,
        offset: 0,
        path,
    };
    let mut annotations: Vec<Annotation> = Vec::new();
    let mut time: i64 = 0;
    loop {
        let at = reader.offset;
        let word = reader.word("the end-of-file word (0)")?;
        if word == 0 {
            return Ok(annotations);
        }
        let code = (word >> 10) as u8;
        let field = word & 0x03ff;
        if code == SKIP {
            // The interval is a signed 32-bit number, high 16 bits first (PDP-11 order).
            let high = reader.word("the first word of a SKIP interval")?;
            let low = reader.word("the second word of a SKIP interval")?;
            time += i64::from(((u32::from(high) << 16) | u32::from(low)) as i32);
            continue;
        }
        if code < SKIP {
            time += i64::from(field);
            let sample = u64::try_from(time)
                .map_err(|_| reader.invalid(at, format!("annotation time {time} is negative")))?;
            let (chan, num) = annotations.last().map_or((0, 0), |a| (a.chan, a.num));
            annotations.push(Annotation {
                sample,
                code,
                subtype: 0,
                chan,
                num,
                aux: None,
            });
            continue;
        }
        let Some(last) = annotations.last_mut() else {
            return Err(reader.invalid(
                at,
                format!("pseudo-annotation {code} comes before the first annotation"),
            ));
        };
        // As the WFDB library, keep the low 8 bits of the 10-bit field.
        match code {
            NUM => last.num = field as u8 as i8,
            SUB => last.subtype = field as u8 as i8,
            CHN => last.chan = field as u8,
            AUX => {
                let len = usize::from(field & 0xff);
                let padded = reader.bytes(len + len % 2, "an aux string")?;
                let text = &padded[..len];
                let text = text.split(|b| *b == 0).next().unwrap_or_default();
                last.aux = Some(String::from_utf8_lossy(text).into_owned());
            }
            _ => unreachable!("codes are 6 bits and 59 (SKIP) is handled above"),
        }
    }
}

/// Reads little-endian words and byte strings, reporting where the file ends too early.
struct Words<'a> {
    bytes: &'a [u8],
    offset: usize,
    path: &'a Path,
}

impl<'a> Words<'a> {
    fn bytes(&mut self, len: usize, what: &str) -> Result<&'a [u8], WfdbError> {
        let Some(slice) = self.bytes.get(self.offset..self.offset + len) else {
            return Err(WfdbError::AnnotationTruncated {
                path: self.path.to_owned(),
                offset: self.offset as u64,
                message: format!("{what} is missing"),
            });
        };
        self.offset += len;
        Ok(slice)
    }

    fn word(&mut self, what: &str) -> Result<u16, WfdbError> {
        let pair = self.bytes(2, what)?;
        Ok(u16::from_le_bytes([pair[0], pair[1]]))
    }

    fn invalid(&self, offset: usize, message: String) -> WfdbError {
        WfdbError::InvalidAnnotation {
            path: self.path.to_owned(),
            offset: offset as u64,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(code: u8, field: u16) -> [u8; 2] {
        ((u16::from(code) << 10) | field).to_le_bytes()
    }

    fn parse(words: &[[u8; 2]], tail: &[u8]) -> Result<Vec<Annotation>, WfdbError> {
        let mut bytes: Vec<u8> = words.iter().flatten().copied().collect();
        bytes.extend_from_slice(tail);
        parse_annotations(&bytes, Path::new("r.atr"))
    }

    #[test]
    fn times_accumulate_and_skip_carries_a_middle_endian_interval() -> anyhow::Result<()> {
        // 70000 = 0x0001_1170: high word 0x0001 first, then low word 0x1170.
        let anns = parse(
            &[
                word(1, 10),
                word(SKIP, 0),
                [0x01, 0x00],
                [0x70, 0x11],
                word(5, 3),
                word(SKIP, 0),
                [0xff, 0xff],
                [0xfe, 0xff], // -2
                word(1, 0),
                [0, 0],
            ],
            &[],
        )?;
        let got: Vec<(u64, &str)> = anns.iter().map(|a| (a.sample, a.symbol())).collect();
        assert_eq!(got, [(10, "N"), (70_013, "V"), (70_011, "N")]);
        Ok(())
    }

    #[test]
    fn aux_strings_are_padded_to_words_and_cut_at_nul() -> anyhow::Result<()> {
        let anns = parse(
            &[
                word(28, 18),
                word(AUX, 3),
                [b'(', b'N'],
                [0, 0],
                word(28, 100),
                word(AUX, 5),
                [b'(', b'A'],
                [b'F', b'I'],
                [b'B', 0xee], // padding byte
                word(1, 1),
                [0, 0],
            ],
            &[],
        )?;
        assert_eq!(anns.len(), 3);
        assert_eq!((anns[0].sample, anns[0].symbol()), (18, "+"));
        assert_eq!(anns[0].aux.as_deref(), Some("(N"));
        assert_eq!(
            (anns[1].sample, anns[1].aux.as_deref()),
            (118, Some("(AFIB"))
        );
        assert_eq!((anns[2].sample, anns[2].aux.as_deref()), (119, None));
        Ok(())
    }

    #[test]
    fn sub_chn_and_num_set_fields_and_chn_num_carry_over() -> anyhow::Result<()> {
        let anns = parse(
            &[
                word(14, 5),
                word(SUB, 0x3ff), // -1 in the low 8 bits
                word(CHN, 1),
                word(NUM, 7),
                word(1, 5),
                word(CHN, 0),
                [0, 0],
            ],
            &[],
        )?;
        let a = &anns[0];
        assert_eq!(
            (a.code, a.symbol(), a.subtype, a.chan, a.num),
            (14, "~", -1, 1, 7)
        );
        let b = &anns[1];
        assert_eq!((b.sample, b.subtype, b.chan, b.num), (10, 0, 0, 7));
        Ok(())
    }

    #[test]
    fn malformed_files_name_the_byte() {
        let e = parse(&[word(1, 5)], &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.atr is truncated at byte 2: the end-of-file word (0) is missing"
        );
        let e = parse(&[word(1, 5), word(SKIP, 0), [0, 0]], &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.atr is truncated at byte 6: the second word of a SKIP interval is missing"
        );
        let e = parse(&[word(1, 5), word(AUX, 3), [b'x', b'y']], &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.atr is truncated at byte 4: an aux string is missing"
        );
        let e = parse(&[word(SUB, 1), [0, 0]], &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.atr byte 0: pseudo-annotation 61 comes before the first annotation"
        );
        let e = parse(
            &[
                word(SKIP, 0),
                [0xff, 0xff],
                [0xff, 0xf0],
                word(1, 1),
                [0, 0],
            ],
            &[],
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.atr byte 6: annotation time -3840 is negative"
        );
    }

    #[test]
    fn beats_follow_the_isqrs_table() {
        let beats: Vec<u8> = (0..=58).filter(|c| is_beat(*c)).collect();
        assert_eq!(
            beats,
            [
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 30, 31, 34, 35, 38, 41
            ]
        );
        let symbols: String = beats.iter().map(|c| symbol(*c)).collect();
        assert_eq!(symbols, "NLRaVFJASEj/QB?!enfr");
        assert_eq!(
            (symbol(28), symbol(14), symbol(15), symbol(58)),
            ("+", "~", "[15]", "[58]")
        );
    }
}
