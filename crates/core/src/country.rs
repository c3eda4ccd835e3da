//! Countries: [`CountryCode`], an ISO 3166-1 alpha-2 code validated once, and the country names
//! the lists and declarations write (`Democratic People's Republic of Korea`) mapped to codes.

use std::collections::HashMap;
use std::sync::OnceLock;

/// `CODE|Name|Other name|…`, one country a line.
const TABLE: &str = "\
AF|Afghanistan
AL|Albania
DZ|Algeria
AD|Andorra
AO|Angola
AG|Antigua and Barbuda
AR|Argentina
AM|Armenia
AU|Australia
AT|Austria
AZ|Azerbaijan
BS|Bahamas|The Bahamas
BH|Bahrain
BD|Bangladesh
BB|Barbados
BY|Belarus
BE|Belgium
BZ|Belize
BJ|Benin
BT|Bhutan
BO|Bolivia|Bolivia (Plurinational State of)
BA|Bosnia and Herzegovina
BW|Botswana
BR|Brazil
BN|Brunei|Brunei Darussalam
BG|Bulgaria
BF|Burkina Faso
BI|Burundi
CV|Cabo Verde|Cape Verde
KH|Cambodia
CM|Cameroon
CA|Canada
CF|Central African Republic
TD|Chad
CL|Chile
CN|China|People's Republic of China|PRC
CO|Colombia
KM|Comoros
CG|Congo|Republic of the Congo|Congo, Republic of the
CD|Democratic Republic of the Congo|Congo, Democratic Republic of the|DRC
CR|Costa Rica
CI|Cote d'Ivoire|Côte d'Ivoire|Ivory Coast
HR|Croatia
CU|Cuba
CY|Cyprus
CZ|Czech Republic|Czechia
DK|Denmark
DJ|Djibouti
DM|Dominica
DO|Dominican Republic
EC|Ecuador
EG|Egypt
SV|El Salvador
GQ|Equatorial Guinea
ER|Eritrea
EE|Estonia
SZ|Eswatini|Swaziland
ET|Ethiopia
FJ|Fiji
FI|Finland
FR|France
GA|Gabon
GM|Gambia|The Gambia
GE|Georgia
DE|Germany
GH|Ghana
GR|Greece
GD|Grenada
GT|Guatemala
GN|Guinea
GW|Guinea-Bissau
GY|Guyana
HT|Haiti
HN|Honduras
HK|Hong Kong|Hong Kong SAR|Hong Kong, China
HU|Hungary
IS|Iceland
IN|India
ID|Indonesia
IR|Iran|Iran (Islamic Republic of)|Islamic Republic of Iran
IQ|Iraq
IE|Ireland
IL|Israel
IT|Italy
JM|Jamaica
JP|Japan
JO|Jordan
KZ|Kazakhstan
KE|Kenya
KI|Kiribati
KP|North Korea|Korea, North|Democratic People's Republic of Korea|DPRK
KR|South Korea|Korea, South|Republic of Korea|Korea
XK|Kosovo
KW|Kuwait
KG|Kyrgyzstan
LA|Laos|Lao People's Democratic Republic
LV|Latvia
LB|Lebanon
LS|Lesotho
LR|Liberia
LY|Libya
LI|Liechtenstein
LT|Lithuania
LU|Luxembourg
MO|Macau|Macao
MG|Madagascar
MW|Malawi
MY|Malaysia
MV|Maldives
ML|Mali
MT|Malta
MH|Marshall Islands
MR|Mauritania
MU|Mauritius
MX|Mexico
FM|Micronesia|Micronesia, Federated States of
MD|Moldova|Republic of Moldova
MC|Monaco
MN|Mongolia
ME|Montenegro
MA|Morocco
MZ|Mozambique
MM|Burma|Myanmar
NA|Namibia
NR|Nauru
NP|Nepal
NL|Netherlands|The Netherlands
NZ|New Zealand
NI|Nicaragua
NE|Niger
NG|Nigeria
MK|North Macedonia|Macedonia|The former Yugoslav Republic of Macedonia
NO|Norway
OM|Oman
PK|Pakistan
PW|Palau
PS|Palestine|Palestinian Territory|West Bank|Gaza
PA|Panama
PG|Papua New Guinea
PY|Paraguay
PE|Peru
PH|Philippines
PL|Poland
PT|Portugal
QA|Qatar
RO|Romania
RU|Russia|Russian Federation
RW|Rwanda
KN|Saint Kitts and Nevis
LC|Saint Lucia
VC|Saint Vincent and the Grenadines
WS|Samoa
SM|San Marino
ST|Sao Tome and Principe
SA|Saudi Arabia
SN|Senegal
RS|Serbia
SC|Seychelles
SL|Sierra Leone
SG|Singapore
SK|Slovakia
SI|Slovenia
SB|Solomon Islands
SO|Somalia
ZA|South Africa
SS|South Sudan
ES|Spain
LK|Sri Lanka
SD|Sudan
SR|Suriname
SE|Sweden
CH|Switzerland
SY|Syria|Syrian Arab Republic
TW|Taiwan
TJ|Tajikistan
TZ|Tanzania|United Republic of Tanzania
TH|Thailand
TL|Timor-Leste|East Timor
TG|Togo
TO|Tonga
TT|Trinidad and Tobago
TN|Tunisia
TR|Turkey|Türkiye|Turkiye
TM|Turkmenistan
TV|Tuvalu
UG|Uganda
UA|Ukraine
AE|United Arab Emirates|UAE
GB|United Kingdom|United Kingdom of Great Britain and Northern Ireland|UK|Great Britain
US|United States|United States of America|USA
UY|Uruguay
UZ|Uzbekistan
VU|Vanuatu
VA|Holy See|Vatican
VE|Venezuela|Venezuela (Bolivarian Republic of)
VN|Vietnam|Viet Nam
YE|Yemen
ZM|Zambia
ZW|Zimbabwe
VG|British Virgin Islands|Virgin Islands, British
KY|Cayman Islands
BM|Bermuda
GI|Gibraltar
IM|Isle of Man
JE|Jersey
GG|Guernsey
CW|Curacao|Curaçao
AW|Aruba
PR|Puerto Rico
";

fn key(name: &str) -> String {
    any_ascii::any_ascii(name)
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

fn table() -> &'static HashMap<String, &'static str> {
    static T: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    T.get_or_init(|| {
        let mut m = HashMap::new();
        for line in TABLE.lines() {
            let mut parts = line.split('|');
            let Some(code) = parts.next() else { continue };
            m.insert(code.to_ascii_lowercase(), code);
            for name in parts {
                m.insert(key(name), code);
            }
        }
        m
    })
}

/// The ISO alpha-2 code of a country name or code, if known.
pub fn to_iso2(name: &str) -> Option<&'static str> {
    let k = key(name);
    if k.is_empty() {
        return None;
    }
    table().get(&k).copied()
}

/// The ISO alpha-2 code a two-letter code stands for: the code itself, or the one a
/// two-letter name in the table reserves (`UK`, written every day for the United Kingdom,
/// is ISO's reserved code for `GB`). `None` for anything else.
fn canonical_iso2(code: &str) -> Option<&'static str> {
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    table().get(&code.to_ascii_lowercase()).copied()
}

/// True if `code` is an ISO 3166-1 alpha-2 code this table knows, or a two-letter name it
/// reads as one (`UK`).
pub fn is_iso2(code: &str) -> bool {
    canonical_iso2(code).is_some()
}

/// An ISO 3166-1 alpha-2 country code, upper case, known to the table above.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

/// Why a string is not a country code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 3166-1 alpha-2 country code")]
pub struct CountryError(pub String);

impl CountryCode {
    /// Parses a two-letter code in either case (surrounding white space ignored). A reserved
    /// two-letter name is read as the code it stands for (`UK` is `GB`), so one country has
    /// one code wherever it was written: routes, ledgers and flows must not split it in two.
    pub fn parse(text: &str) -> Result<CountryCode, CountryError> {
        let t = text.trim();
        let Some(code) = canonical_iso2(t) else {
            return Err(CountryError(crate::text::clip(t, 40)));
        };
        let b = code.as_bytes();
        Ok(CountryCode([
            b[0].to_ascii_uppercase(),
            b[1].to_ascii_uppercase(),
        ]))
    }

    /// The code of a country name or code as the lists write it, if known.
    pub fn from_name(name: &str) -> Option<CountryCode> {
        to_iso2(name).and_then(|c| CountryCode::parse(c).ok())
    }

    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII upper-case letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl std::fmt::Display for CountryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CountryCode({})", self.as_str())
    }
}

impl std::str::FromStr for CountryCode {
    type Err = CountryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CountryCode::parse(s)
    }
}

impl serde::Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for CountryCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        CountryCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reserved_two_letter_name_is_read_as_its_code() {
        assert_eq!(CountryCode::parse("UK").unwrap().as_str(), "GB");
        assert_eq!(
            CountryCode::parse(" uk ").unwrap(),
            CountryCode::parse("GB").unwrap()
        );
        assert!(is_iso2("UK"));
        assert!(CountryCode::parse("U1").is_err());
        assert!(CountryCode::parse("XX").is_err());
    }

    #[test]
    fn names_and_codes() {
        assert_eq!(to_iso2("Democratic People's Republic of Korea"), Some("KP"));
        assert_eq!(to_iso2("China"), Some("CN"));
        assert_eq!(to_iso2("cn"), Some("CN"));
        assert_eq!(to_iso2("Côte d'Ivoire"), Some("CI"));
        assert_eq!(to_iso2("Atlantis"), None);
        assert!(is_iso2("MX"));
        assert!(!is_iso2("XX"));
    }

    #[test]
    fn country_codes_parse_once() {
        assert_eq!(CountryCode::parse(" mx ").unwrap().as_str(), "MX");
        assert!(CountryCode::parse("XX").is_err());
        assert!(CountryCode::parse("€A").is_err());
        assert!(CountryCode::parse("China").is_err());
        assert_eq!(CountryCode::from_name("China").unwrap().as_str(), "CN");
        let json = serde_json::to_string(&CountryCode::parse("de").unwrap()).unwrap();
        assert_eq!(json, "\"DE\"");
        assert!(serde_json::from_str::<CountryCode>("\"ZZ\"").is_err());
    }
}
