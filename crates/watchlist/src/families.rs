//! Families of words that name one thing: nicknames and their full names (`Bill`/`William`,
//! `Sasha`/`Aleksandr`), abbreviations (`Intl`/`International`) and the short forms and plurals of
//! this trade's words (`Chem`/`Chemicals`/`Chemical`, `Labs`/`Laboratory`).
//!
//! Normalisation gives each token its family once ([`nickname_group`]); scoring compares families
//! and, for the few words in several families, the listed pairs themselves ([`is_listed_pair`]).
//! Both sides read this table and nothing else, so it depends on no other module.

/// Pairs of a short or familiar form and the full word it stands for. A short form may stand for
/// several full words (`ted`: `theodore`, `edward`).
const NICKNAMES: &[(&str, &str)] = &[
    ("ben", "benjamin"),
    ("bill", "william"),
    ("will", "william"),
    ("bob", "robert"),
    ("rob", "robert"),
    ("bobby", "robert"),
    ("dick", "richard"),
    ("rick", "richard"),
    ("jim", "james"),
    ("jimmy", "james"),
    ("joe", "joseph"),
    ("tom", "thomas"),
    ("ted", "theodore"),
    ("ted", "edward"),
    ("ed", "edward"),
    ("eddie", "edward"),
    ("mike", "michael"),
    ("dave", "david"),
    ("dan", "daniel"),
    ("danny", "daniel"),
    ("tony", "anthony"),
    ("chris", "christopher"),
    ("nick", "nicholas"),
    ("alex", "alexander"),
    ("sasha", "alexander"),
    ("sasha", "aleksandr"),
    ("andy", "andrew"),
    ("steve", "steven"),
    ("steve", "stephen"),
    ("liz", "elizabeth"),
    ("beth", "elizabeth"),
    ("kate", "katherine"),
    ("kate", "catherine"),
    ("peggy", "margaret"),
    ("maggie", "margaret"),
    ("jack", "john"),
    ("johnny", "john"),
    ("hank", "henry"),
    ("harry", "henry"),
    ("chuck", "charles"),
    ("charlie", "charles"),
    ("sam", "samuel"),
    ("pat", "patrick"),
    ("matt", "matthew"),
    ("greg", "gregory"),
    ("jon", "jonathan"),
    ("ken", "kenneth"),
    ("larry", "lawrence"),
    ("pete", "peter"),
    ("ron", "ronald"),
    ("tim", "timothy"),
    ("vlad", "vladimir"),
    ("volodymyr", "vladimir"),
    ("dima", "dmitry"),
    ("misha", "mikhail"),
    ("kolya", "nikolai"),
    ("sergei", "sergey"),
    ("yuri", "yury"),
    ("pepe", "jose"),
    ("paco", "francisco"),
    ("pancho", "francisco"),
    ("chapo", "joaquin"),
    ("nacho", "ignacio"),
    ("lupe", "guadalupe"),
    ("bibi", "benjamin"),
    ("barry", "barack"),
    ("intl", "international"),
    ("int", "international"),
    ("natl", "national"),
    ("dept", "department"),
    ("mfg", "manufacturing"),
    ("bros", "brothers"),
    ("assn", "association"),
    // Trade words and their short forms (both sides weak words; see `names`).
    ("trade", "trading"),
    ("traders", "trading"),
    ("trader", "trading"),
    ("chem", "chemical"),
    ("chems", "chemical"),
    ("chemicals", "chemical"),
    ("pharma", "pharmaceutical"),
    ("pharm", "pharmaceutical"),
    ("pharmaceuticals", "pharmaceutical"),
    ("tech", "technology"),
    ("technologies", "technology"),
    ("biotech", "biotechnology"),
    ("imp", "import"),
    ("imports", "import"),
    ("exp", "export"),
    ("exports", "export"),
    ("industries", "industrial"),
    ("industry", "industrial"),
    ("holdings", "holding"),
    ("enterprises", "enterprise"),
    ("services", "service"),
    ("supplies", "supply"),
    ("products", "product"),
    ("investments", "investment"),
    ("laboratories", "laboratory"),
    ("labs", "laboratory"),
    ("lab", "laboratory"),
];

/// The nickname group of a token (1-based; 0 for none), computed once per token at normalisation.
pub(crate) fn nickname_group(token: &str) -> u16 {
    static GROUPS: std::sync::OnceLock<std::collections::HashMap<&'static str, u16>> =
        std::sync::OnceLock::new();
    let groups = GROUPS.get_or_init(|| {
        // Union the pairs into groups: `ted` belongs with both `theodore` and `edward`, so a
        // token's group is that of its first pair; full names map to their own group.
        let mut m: std::collections::HashMap<&'static str, u16> = std::collections::HashMap::new();
        let mut next = 1u16;
        for &(nick, full) in NICKNAMES {
            let g = *m.entry(full).or_insert_with(|| {
                next += 1;
                next - 1
            });
            m.entry(nick).or_insert(g);
        }
        m
    });
    groups.get(token).copied().unwrap_or(0)
}

/// Whether `x` and `y` are written down together as a pair above, either way round. Needed beside
/// [`nickname_group`] because a word in several pairs (`ted`) has the group of its first only.
pub(crate) fn is_listed_pair(x: &str, y: &str) -> bool {
    NICKNAMES
        .iter()
        .any(|&(p, q)| (p == x && q == y) || (p == y && q == x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_join_short_forms_and_full_words() {
        assert_ne!(nickname_group("bill"), 0);
        assert_eq!(nickname_group("bill"), nickname_group("william"));
        assert_eq!(nickname_group("chems"), nickname_group("chemical"));
        assert_eq!(nickname_group("siemens"), 0);
        // `ted` belongs to `theodore` by its group and to `edward` by the listed pair.
        assert_eq!(nickname_group("ted"), nickname_group("theodore"));
        assert!(is_listed_pair("edward", "ted"));
        assert!(!is_listed_pair("edward", "theodore"));
    }
}
