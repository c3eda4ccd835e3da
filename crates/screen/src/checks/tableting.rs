//! TABLETING_MACHINE: tablet presses, encapsulating machines, their punches and dies.

use crate::code::FlagCode;
use crate::declaration::Declaration;
use crate::evidence::TabletingMachine;
use crate::flag::{Flag, Severity};

/// The goods class tableting equipment counts under for route risk.
pub(crate) const CLASS: &str = "tableting-machine";

pub(crate) fn check(d: &Declaration) -> Option<Flag> {
    let phrase = tableting_machine(&d.goods_description)?;
    Some(Flag::new(
        FlagCode::TabletingMachine,
        Severity::High,
        format!("tableting or encapsulating equipment: \"{phrase}\""),
        TabletingMachine {
            matched_text: phrase,
            hs_code: d.hs_code.clone(),
        },
    ))
}

/// The phrase that names tableting or encapsulating equipment, if any.
fn tableting_machine(description: &str) -> Option<String> {
    let lower = description.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    const SUBJECT: &[&str] = &[
        "tablet", "tablets", "pill", "pills", "capsule", "capsules", "candy",
    ];
    const MACHINE: &[&str] = &[
        "press",
        "presses",
        "pressing",
        "punch",
        "punches",
        "die",
        "dies",
        "tooling",
        "mould",
        "moulds",
        "mold",
        "molds",
        "compression",
        "compressing",
        "filler",
        "filling",
        "forming",
        "maker",
        "making",
    ];
    const ALONE: &[&str] = &[
        "tableting",
        "tabletting",
        "tabletizing",
        "encapsulating",
        "encapsulation",
        "encapsulator",
        "pelletizing",
    ];
    const MODELS: &[&str] = &[
        "tdp", "thdp", "zp", "zpw", "gzp", "gzpk", "dhp", "njp", "dtj", "cgn", "zpt", "sfj",
    ];
    // Indices below come from `words` itself; `get` keeps even a slip from panicking.
    let phrase = |i: usize, j: usize| {
        words
            .get(i.min(j)..=i.max(j))
            .map(|w| w.join(" "))
            .unwrap_or_default()
    };
    for (i, w) in words.iter().enumerate() {
        if ALONE.contains(w)
            && words.iter().any(|x| {
                ["machine", "machines", "press", "equipment", "line", "plant"].contains(x)
                    || MACHINE.contains(x)
            })
        {
            return Some(phrase(i, (i + 1).min(words.len().saturating_sub(1))));
        }
        if SUBJECT.contains(w) {
            let lo = i.saturating_sub(3);
            let mut near = words
                .get(lo..(i + 4).min(words.len()))
                .unwrap_or_default()
                .iter()
                .enumerate();
            // "tablet computer", "pill box" are not presses; a press or tooling word is needed.
            if let Some((k, _)) = near.find(|(k, x)| lo + k != i && MACHINE.contains(x)) {
                return Some(phrase(i, lo + k));
            }
        }
        if MODELS.contains(w)
            && words
                .get(i + 1)
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        {
            return Some(phrase(i, i + 1));
        }
        if let Some(rest) = MODELS.iter().find_map(|m| w.strip_prefix(m)) {
            if !rest.is_empty()
                && rest.bytes().all(|b| b.is_ascii_digit())
                && words
                    .iter()
                    .any(|x| ["machine", "press", "tablet", "pill"].contains(x))
            {
                return Some(w.to_string());
            }
        }
        if *w == "rotary"
            && words
                .get(i + 1)
                .is_some_and(|n| *n == "press" || *n == "presses")
        {
            return Some(phrase(i, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tableting_machines_and_not_tablet_computers() {
        assert!(tableting_machine("TDP-5 single punch tablet press").is_some());
        assert!(tableting_machine("Rotary press ZP-17 with dies").is_some());
        assert!(tableting_machine("Capsule filling machine NJP-800").is_some());
        assert!(tableting_machine("pill press punches and dies set").is_some());
        assert!(tableting_machine("Encapsulating machine, semi-automatic").is_some());
        assert!(tableting_machine("Tablet computer 10 inch, 64GB").is_none());
        assert!(tableting_machine("Paracetamol tablets 500 mg").is_none());
        assert!(tableting_machine("Hydraulic press for metal").is_none());
    }
}
