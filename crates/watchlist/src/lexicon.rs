//! The words of party names that are not the name: company forms (`Co., Ltd.`, `GmbH`,
//! `Sociedad Anónima`, `ООО` spelt out), generic words of this trade (`chemical`, `trading`),
//! places and name particles, and the one-typo check that still recognises them misspelt.
//!
//! Normalisation reads the lists to give tokens their kind; scoring uses [`one_typo_apart`] for a
//! misspelt company form. Neither depends on the other through this module.

use rustc_hash::FxHashSet as HashSet;
use std::sync::OnceLock;

/// The word lists, built once (see [`lexicon`]).
pub(crate) struct Lexicon {
    /// Company forms of one word (`ltd`, `gmbh`, `coltd`).
    pub(crate) forms: HashSet<&'static str>,
    /// Company forms of several words, as token sequences.
    form_phrases: Vec<Vec<&'static str>>,
    /// First words of `form_phrases`, so most tokens are ruled out with one lookup.
    phrase_starts: HashSet<&'static str>,
    /// Generic words of the trade (`chemical`, `trading`, `international`).
    pub(crate) weak: HashSet<&'static str>,
    /// Cities, provinces and countries common in these names (`wuhan`, `mexico`).
    pub(crate) places: HashSet<&'static str>,
    /// Name particles and titles (`al`, `bin`, `van`, `haji`).
    pub(crate) particles: HashSet<&'static str>,
}

impl Lexicon {
    /// A company form cut short or misspelt at the end of a long name (`compan`, `aktiengeselschaft`).
    pub(crate) fn is_truncated_form(&self, t: &str, last: bool) -> bool {
        const LONG_FORMS: &[&str] = &[
            "company",
            "corporation",
            "incorporated",
            "limited",
            "aktiengesellschaft",
            "gesellschaft",
            "establishment",
            "sociedad",
            "sociedade",
            "limitada",
            "anonima",
        ];
        LONG_FORMS.iter().any(|f| {
            (last && t.len() >= 4 && f.len() > t.len() && f.starts_with(t))
                || (t.len() >= 7 && one_typo_apart(t, f))
        })
    }

    /// The trade word meant by a word one typo away from it (`tradinng`, `holdding`): still a
    /// trade word, or the typo would make it the most distinctive word of the name.
    pub(crate) fn misspelt_weak(&self, t: &str) -> Option<&'static str> {
        if t.len() < 6 {
            return None;
        }
        self.weak
            .iter()
            .copied()
            .find(|w| w.len() >= 6 && one_typo_apart(t, w))
    }

    /// The number of words of the longest company form of several words that `tokens` starts with.
    pub(crate) fn form_phrase_len(&self, tokens: &[String]) -> Option<usize> {
        if !tokens
            .first()
            .is_some_and(|t| self.phrase_starts.contains(t.as_str()))
        {
            return None;
        }
        self.form_phrases
            .iter()
            .filter(|p| p.len() <= tokens.len() && p.iter().zip(tokens).all(|(a, b)| *a == b))
            .map(|p| p.len())
            .max()
    }
}

pub(crate) fn lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| {
        let mut lex = lexicon_tables();
        lex.phrase_starts = lex.form_phrases.iter().map(|p| p[0]).collect();
        lex
    })
}

fn lexicon_tables() -> Lexicon {
    Lexicon {
        phrase_starts: HashSet::default(),
        forms: [
            "co",
            "company",
            "companies",
            "ltd",
            "limited",
            "llc",
            "lc",
            "inc",
            "incorporated",
            "corp",
            "corporation",
            "gmbh",
            "ag",
            "sa",
            "sas",
            "sarl",
            "srl",
            "spa",
            "plc",
            "pjsc",
            "jsc",
            "ojsc",
            "cjsc",
            "oao",
            "ooo",
            "zao",
            "pao",
            "ao",
            "bv",
            "nv",
            "kg",
            "ohg",
            "pte",
            "pty",
            "pvt",
            "llp",
            "lp",
            "ltda",
            "limitada",
            "cia",
            "compania",
            "sociedad",
            "sociedade",
            "societe",
            "anonima",
            "anonyme",
            "bvba",
            "sprl",
            "scrl",
            "eirl",
            "eireli",
            "sac",
            "saa",
            "sacv",
            "sadecv",
            "srldecv",
            "spr",
            "sl",
            "sdn",
            "bhd",
            "tbk",
            "kft",
            "oy",
            "ab",
            "as",
            "aps",
            "doo",
            "sro",
            "spol",
            "cv",
            "sab",
            "sapi",
            "scs",
            "eurl",
            "fze",
            "fzco",
            "fzc",
            "fzllc",
            "wll",
            "est",
            "establishment",
            "aktiengesellschaft",
            "gesellschaft",
            "mbh",
            "kk",
            "kabushiki",
            "kaisha",
            "yugen",
            "youxiangongsi",
            "gongsi",
            "youxian",
            "zerenyouxiangongsi",
            "zeren",
            "jituan",
            "tov",
            "pp",
            "ip",
            "chp",
            "ltdco",
            "coltd",
        ]
        .into_iter()
        .collect(),
        form_phrases: [
            "joint stock company",
            "public joint stock company",
            "closed joint stock company",
            "open joint stock company",
            "limited liability company",
            "limited liability partnership",
            "de c v",
            "de cv",
            "s de rl",
            "de rl",
            "sp z o o",
            "sp zoo",
            "co ltd",
            "company limited",
            "you xian gong si",
            "you xian ze ren gong si",
            "gong si",
            "ji tuan",
            "public company limited",
            "private limited",
            "pvt ltd",
            "pte ltd",
            "sdn bhd",
            "l l c",
            "s a",
            "s r l",
            "s p a",
            "sp z oo",
            "gesellschaft mit beschrankter haftung",
            "sociedad anonima",
            "sociedad anonima de capital variable",
            "sociedad de responsabilidad limitada",
            "sociedad de responsabilidad limitada de capital variable",
            "sociedad por acciones simplificada",
            "sociedad limitada",
            "sociedade anonima",
            "sociedade limitada",
            "societe anonyme",
            "societe a responsabilite limitee",
            "societa per azioni",
            "societa a responsabilita limitata",
            "besloten vennootschap",
            "naamloze vennootschap",
            "y cia",
            "y compania",
            "e cia",
            "d o o",
            "societatea cu raspundere limitata",
            "aktsionernoe obshchestvo",
            "obshchestvo s ogranichennoi otvetstvennostiu",
            "obshchestvo s ogranichennoy otvetstvennostyu",
            "obshchestvo s ogranichennoi otvetstvennostyu",
            "obshchestvo s ogranichennoy otvetstvennostiu",
            "aktsionernoye obshchestvo",
            "publichnoe aktsionernoe obshchestvo",
            "publichnoye aktsionernoye obshchestvo",
            "zakrytoe aktsionernoe obshchestvo",
            "zakrytoye aktsionernoye obshchestvo",
            "otkrytoe aktsionernoe obshchestvo",
            "otkrytoye aktsionernoye obshchestvo",
            "tovarystvo z obmezhenoiu vidpovidalnistiu",
            "tovarystvo z obmezhenoyu vidpovidalnistyu",
        ]
        .into_iter()
        .map(|p| p.split(' ').collect())
        .collect(),
        weak: [
            "chemical",
            "chemicals",
            "chem",
            "chems",
            "chemistry",
            "pharmaceutical",
            "pharmaceuticals",
            "pharma",
            "pharm",
            "biotech",
            "biotechnology",
            "bio",
            "biological",
            "technology",
            "technologies",
            "tech",
            "trading",
            "trade",
            "traders",
            "import",
            "export",
            "imports",
            "exports",
            "imp",
            "exp",
            "impex",
            "industrial",
            "industries",
            "industry",
            "international",
            "intl",
            "global",
            "group",
            "holding",
            "holdings",
            "enterprise",
            "enterprises",
            "development",
            "science",
            "sciences",
            "scientific",
            "materials",
            "material",
            "products",
            "product",
            "new",
            "medicine",
            "medical",
            "health",
            "healthcare",
            "supply",
            "supplies",
            "services",
            "service",
            "solutions",
            "logistics",
            "shipping",
            "and",
            "the",
            "of",
            "for",
            "general",
            "commercial",
            "commerce",
            "business",
            "investment",
            "investments",
            "manufacturing",
            "factory",
            "works",
            "lab",
            "labs",
            "laboratory",
            "laboratories",
            "research",
            "economic",
            "engineering",
            "management",
            // The same words in Spanish and Portuguese, common among Latin American designees.
            "internacional",
            "comercial",
            "comercializadora",
            "importadora",
            "exportadora",
            "distribuidora",
            "servicios",
            "inversiones",
            "industrias",
            "quimica",
            "quimicos",
            "farmaceutica",
            "laboratorios",
            "tecnologia",
            "logistica",
            "grupo",
            // Kinds of business that open many Mexican and Colombian company names (issue 20:
            // `Transportes Sinaloa` is not `Transportes LC`).
            "transportes",
            "transporte",
            "inmobiliaria",
            "constructora",
            "construcciones",
            "agropecuaria",
            "distribuciones",
            "productos",
            "operadora",
            "desarrollos",
            "integrales",
            "abarrotes",
            "cambio",
        ]
        .into_iter()
        .collect(),
        places: [
            "wuhan",
            "hubei",
            "shanghai",
            "beijing",
            "guangzhou",
            "shenzhen",
            "guangdong",
            "hebei",
            "henan",
            "shandong",
            "jiangsu",
            "zhejiang",
            "tianjin",
            "chongqing",
            "sichuan",
            "chengdu",
            "hangzhou",
            "nanjing",
            "suzhou",
            "xiamen",
            "fujian",
            "anhui",
            "hunan",
            "changsha",
            "shijiazhuang",
            "jinan",
            "qingdao",
            "zhengzhou",
            "xian",
            "shaanxi",
            "shanxi",
            "hong",
            "kong",
            "hongkong",
            "macau",
            "china",
            "chinese",
            "india",
            "indian",
            "mumbai",
            "delhi",
            "hyderabad",
            "gujarat",
            "mexico",
            "mexican",
            "sinaloa",
            "jalisco",
            "guadalajara",
            "culiacan",
            "tijuana",
            "usa",
            "america",
            "american",
            "europe",
            "asia",
            "london",
            "dubai",
            "singapore",
            "taiwan",
            "korea",
            "vietnam",
            "hanoi",
            "canada",
            "toronto",
            "vancouver",
            "schweiz",
            "suisse",
            "swiss",
            "deutschland",
            "germany",
            "netherlands",
            "nederland",
            "france",
            "uk",
            "british",
            "east",
            "west",
            "north",
            "south",
            "central",
        ]
        .into_iter()
        .collect(),
        particles: [
            "al", "el", "bin", "ben", "ibn", "bint", "abu", "um", "umm", "de", "da", "di", "del",
            "dos", "das", "du", "van", "von", "der", "den", "la", "le", "ul", "ur", "y", "e", "mr",
            "mrs", "dr", "haji", "hajji", "sheikh", "shaykh", "mullah", "maulvi", "mawlawi",
            "qari",
        ]
        .into_iter()
        .collect(),
    }
}

/// Whether two words differ by one typo at most, their first letters agreeing (people rarely get
/// the first letter wrong): a misspelt company form or trade word is still one.
pub(crate) fn one_typo_apart(x: &str, y: &str) -> bool {
    x.as_bytes()
        .first()
        .is_some_and(|f| y.as_bytes().first() == Some(f))
        && interdict_core::text::osa_within(x.as_bytes(), y.as_bytes(), 1).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_recognised_whole_cut_short_and_misspelt() {
        let lex = lexicon();
        let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(lex.form_phrase_len(&words("sp z o o x")), Some(4));
        assert_eq!(lex.form_phrase_len(&words("siemens ag")), None);
        assert_eq!(lex.form_phrase_len(&[]), None);
        assert!(lex.is_truncated_form("compan", true));
        assert!(!lex.is_truncated_form("compan", false));
        assert!(lex.is_truncated_form("aktiengeselschaft", false));
        assert_eq!(lex.misspelt_weak("tradinng"), Some("trading"));
        assert!(one_typo_apart("akg", "ag"));
        assert!(!one_typo_apart("kag", "ag"), "the first letter must agree");
    }
}
