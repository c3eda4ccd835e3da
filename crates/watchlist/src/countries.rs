//! Country names as the lists write them → ISO 3166-1 alpha-2 codes.

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

/// True if `code` is an ISO 3166-1 alpha-2 code this table knows.
pub fn is_iso2(code: &str) -> bool {
    code.len() == 2 && table().contains_key(&code.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
