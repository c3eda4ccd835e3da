//! Identification must never panic, whatever the text: random mixtures of the characters that
//! stress the normaliser (digits and hyphens that look like CAS numbers, commas that look like
//! inverted names, Greek, CJK, combining marks, salt words). Deterministic, so a failure reproduces.

use interdict_registry::{Cas, Identifier, Registry};

/// xorshift64*: a tiny deterministic generator, no dependency needed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const PIECES: &[&str] = &[
    "0",
    "1",
    "4",
    "9",
    "-",
    "--",
    ",",
    ", ",
    " ",
    "  ",
    "(",
    ")",
    "[",
    "]",
    "%",
    "CAS",
    "cas no.",
    "No.:",
    "α",
    "β",
    "γ",
    "µ",
    "é",
    "\u{301}",
    "芬太尼",
    "哌啶",
    "Ж",
    "HCl",
    "hydrochloride",
    "monohydrate",
    "ester",
    "methyl",
    "piperidone",
    "piperidin",
    "fentanyl",
    "fentanly",
    "phenyl",
    "ethyl",
    "acid",
    "anhydride",
    "1-boc",
    "(±)-",
    "dl-",
    "39742-60-4",
    "39742604",
    "1609-66-5",
    "\t",
    "\u{0}",
    "\u{feff}",
    "ﬁ",
    "Ⅳ",
    "²",
    "-4-",
    "1,1-",
    "N,N-",
];

#[test]
fn random_texts_never_panic() {
    let ident = Identifier::new(Registry::builtin());
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for _ in 0..30_000 {
        let len = (rng.next() % 24) as usize;
        let text: String = (0..len).map(|_| rng.pick(PIECES)).collect();
        let result = ident.identify(&text);
        for m in &result.matches {
            assert!((0.0..=1.0).contains(&m.score), "{text:?}");
        }
    }
}

#[test]
fn random_bytes_as_lossy_text_never_panic() {
    let ident = Identifier::new(Registry::builtin());
    let mut rng = Rng(42);
    for _ in 0..10_000 {
        let len = (rng.next() % 96) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xff) as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        ident.identify(&text);
        let _ = Cas::parse(&text);
    }
}
