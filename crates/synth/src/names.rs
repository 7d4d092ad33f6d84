//! Built-in name lists reflecting inner-London diversity, invented street names and the boroughs' postcode
//! districts. Every person and address is synthetic: first names and surnames are drawn independently, and
//! street names are invented combinations.

use domain::codes::Ethnicity;

/// A naming tradition: its names, the ethnicity recorded for someone named from it, and a first language.
pub(crate) struct Culture {
    /// The tradition's name, for reading the table.
    #[allow(dead_code)]
    pub key: &'static str,
    pub ethnicity: Ethnicity,
    pub language: &'static str,
    pub religion: Option<&'static str>,
    pub female: &'static [&'static str],
    pub male: &'static [&'static str],
    pub surnames: &'static [&'static str],
}

pub(crate) const CULTURES: &[Culture] = &[
    Culture {
        key: "english",
        ethnicity: Ethnicity::WhiteBritish,
        language: "English",
        religion: None,
        female: &[
            "Olivia",
            "Amelia",
            "Isla",
            "Ava",
            "Emily",
            "Sophie",
            "Grace",
            "Lily",
            "Chloe",
            "Ella",
            "Poppy",
            "Jessica",
            "Charlotte",
            "Evie",
            "Holly",
            "Megan",
        ],
        male: &[
            "Oliver", "George", "Harry", "Jack", "Charlie", "Thomas", "James", "William", "Alfie",
            "Joshua", "Freddie", "Archie", "Daniel", "Samuel", "Lewis", "Ryan",
        ],
        surnames: &[
            "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
            "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
            "Hall", "Wood", "Clarke", "Harris", "Turner", "Cooper", "Hill", "Ward",
        ],
    },
    Culture {
        key: "irish",
        ethnicity: Ethnicity::WhiteIrish,
        language: "English",
        religion: Some("Christian"),
        female: &[
            "Aoife", "Siobhan", "Niamh", "Ciara", "Roisin", "Orla", "Sinead", "Aisling", "Caoimhe",
            "Grainne", "Maeve", "Clodagh",
        ],
        male: &[
            "Cian", "Oisin", "Sean", "Padraig", "Eoin", "Darragh", "Ciaran", "Declan", "Conor",
            "Fionn", "Ronan", "Colm",
        ],
        surnames: &[
            "Murphy",
            "Kelly",
            "O'Sullivan",
            "Walsh",
            "O'Brien",
            "Byrne",
            "Ryan",
            "O'Connor",
            "O'Neill",
            "Doyle",
            "McCarthy",
            "Gallagher",
            "Quinn",
            "Brennan",
            "Kavanagh",
            "Daly",
        ],
    },
    Culture {
        key: "scottish",
        ethnicity: Ethnicity::WhiteBritish,
        language: "English",
        religion: None,
        female: &[
            "Eilidh", "Kirsty", "Morag", "Iona", "Fiona", "Catriona", "Skye", "Rhona", "Ailsa",
            "Mhairi",
        ],
        male: &[
            "Callum", "Angus", "Euan", "Fraser", "Hamish", "Ruaridh", "Alasdair", "Struan",
            "Lachlan", "Calum",
        ],
        surnames: &[
            "MacDonald",
            "Campbell",
            "Stewart",
            "Robertson",
            "Fraser",
            "Murray",
            "Sinclair",
            "Ross",
            "Ferguson",
            "Grant",
            "MacLeod",
            "Munro",
        ],
    },
    Culture {
        key: "polish",
        ethnicity: Ethnicity::OtherWhite,
        language: "Polish",
        religion: Some("Christian"),
        female: &[
            "Zuzanna",
            "Julia",
            "Maja",
            "Zofia",
            "Hanna",
            "Aleksandra",
            "Natalia",
            "Wiktoria",
            "Agnieszka",
            "Magdalena",
            "Katarzyna",
            "Oliwia",
        ],
        male: &[
            "Jakub",
            "Kacper",
            "Szymon",
            "Filip",
            "Mateusz",
            "Bartosz",
            "Piotr",
            "Tomasz",
            "Wojciech",
            "Krzysztof",
            "Michal",
            "Dawid",
        ],
        surnames: &[
            "Nowak",
            "Kowalski",
            "Wisniewski",
            "Wojcik",
            "Kaminski",
            "Lewandowski",
            "Zielinski",
            "Szymanski",
            "Dabrowski",
            "Kozlowski",
            "Mazur",
            "Krawczyk",
        ],
    },
    Culture {
        key: "portuguese",
        ethnicity: Ethnicity::OtherWhite,
        language: "Portuguese",
        religion: Some("Christian"),
        female: &[
            "Beatriz", "Mariana", "Ines", "Leonor", "Carolina", "Matilde", "Joana", "Raquel",
            "Filipa", "Catarina",
        ],
        male: &[
            "Joao", "Rodrigo", "Tiago", "Duarte", "Goncalo", "Afonso", "Miguel", "Rui", "Diogo",
            "Nuno",
        ],
        surnames: &[
            "Silva",
            "Santos",
            "Ferreira",
            "Pereira",
            "Oliveira",
            "Costa",
            "Rodrigues",
            "Martins",
            "Sousa",
            "Fernandes",
            "Goncalves",
            "Lopes",
        ],
    },
    Culture {
        key: "romanian",
        ethnicity: Ethnicity::OtherWhite,
        language: "Romanian",
        religion: Some("Christian"),
        female: &[
            "Andreea",
            "Ioana",
            "Bianca",
            "Elena",
            "Alexandra",
            "Denisa",
            "Roxana",
            "Larisa",
            "Cristina",
            "Daria",
        ],
        male: &[
            "Andrei",
            "Stefan",
            "Mihai",
            "Alexandru",
            "Ionut",
            "Razvan",
            "Bogdan",
            "Cosmin",
            "Florin",
            "Vlad",
        ],
        surnames: &[
            "Popescu",
            "Ionescu",
            "Popa",
            "Dumitru",
            "Stan",
            "Stoica",
            "Gheorghe",
            "Rusu",
            "Munteanu",
            "Matei",
            "Constantin",
            "Lazar",
        ],
    },
    Culture {
        key: "somali",
        ethnicity: Ethnicity::African,
        language: "Somali",
        religion: Some("Muslim"),
        female: &[
            "Hodan", "Ayaan", "Hibaaq", "Sagal", "Nimco", "Ifrah", "Fadumo", "Khadra", "Ubah",
            "Ladan", "Hamdi", "Sahra",
        ],
        male: &[
            "Abdirahman",
            "Mohamed",
            "Abdullahi",
            "Hassan",
            "Yusuf",
            "Liban",
            "Guled",
            "Mahad",
            "Abdikarim",
            "Bashir",
            "Farah",
            "Omar",
        ],
        surnames: &[
            "Mohamed", "Ahmed", "Hassan", "Ali", "Abdi", "Warsame", "Farah", "Osman", "Jama",
            "Egal", "Hirsi", "Nur",
        ],
    },
    Culture {
        key: "eritrean",
        ethnicity: Ethnicity::African,
        language: "Tigrinya",
        religion: Some("Christian"),
        female: &[
            "Selam", "Helen", "Rahel", "Senait", "Luwam", "Yordanos", "Feven", "Saba", "Meron",
            "Winta",
        ],
        male: &[
            "Yonas", "Dawit", "Samuel", "Filmon", "Robel", "Tesfay", "Habtom", "Mehari", "Kibrom",
            "Natnael",
        ],
        surnames: &[
            "Tesfamariam",
            "Ghebremedhin",
            "Haile",
            "Tekle",
            "Berhane",
            "Weldemichael",
            "Gebremariam",
            "Kidane",
            "Asmerom",
            "Yohannes",
        ],
    },
    Culture {
        key: "nigerian",
        ethnicity: Ethnicity::African,
        language: "Yoruba",
        religion: Some("Christian"),
        female: &[
            "Adaeze",
            "Chiamaka",
            "Funmilayo",
            "Ngozi",
            "Temitope",
            "Oluwaseun",
            "Ifeoma",
            "Bukola",
            "Yetunde",
            "Chidinma",
            "Folake",
            "Amara",
        ],
        male: &[
            "Chinedu",
            "Oluwatobi",
            "Emeka",
            "Tunde",
            "Ikenna",
            "Ayodele",
            "Obinna",
            "Femi",
            "Kayode",
            "Chukwuemeka",
            "Babatunde",
            "Nnamdi",
        ],
        surnames: &[
            "Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Adebayo", "Nwosu", "Oyelaran",
            "Ogunleye", "Chukwu", "Afolabi", "Obi",
        ],
    },
    Culture {
        key: "ghanaian",
        ethnicity: Ethnicity::African,
        language: "Twi",
        religion: Some("Christian"),
        female: &[
            "Abena", "Akosua", "Ama", "Efua", "Adwoa", "Yaa", "Esi", "Afia", "Akua", "Nana",
        ],
        male: &[
            "Kwame", "Kofi", "Kwabena", "Yaw", "Kwaku", "Kojo", "Kwesi", "Fiifi", "Nii", "Ekow",
        ],
        surnames: &[
            "Mensah", "Owusu", "Boateng", "Asante", "Appiah", "Osei", "Agyeman", "Ofori", "Amoah",
            "Darko", "Adjei", "Quaye",
        ],
    },
    Culture {
        key: "caribbean",
        ethnicity: Ethnicity::Caribbean,
        language: "English",
        religion: Some("Christian"),
        female: &[
            "Shanice",
            "Keisha",
            "Tiana",
            "Jade",
            "Aaliyah",
            "Destiny",
            "Kiana",
            "Marcia",
            "Tanisha",
            "Jamila",
            "Shantelle",
            "Nadine",
        ],
        male: &[
            "Jermaine", "Marcus", "Tyrone", "Delroy", "Kareem", "Andre", "Jayden", "Leon",
            "Tyrese", "Dwayne", "Kwame", "Romario",
        ],
        surnames: &[
            "Campbell", "Brown", "Francis", "Grant", "Thompson", "Williams", "Reid", "Henry",
            "Bailey", "Clarke", "Gordon", "Forbes", "Morgan", "Johnson",
        ],
    },
    Culture {
        key: "bangladeshi",
        ethnicity: Ethnicity::Bangladeshi,
        language: "Bengali (Sylheti)",
        religion: Some("Muslim"),
        female: &[
            "Fatema", "Nusrat", "Tahmina", "Sumaiya", "Ruksana", "Shirin", "Jannat", "Tasnim",
            "Farzana", "Sabina",
        ],
        male: &[
            "Rahim", "Shahid", "Arif", "Tanvir", "Sajid", "Imran", "Jubair", "Mahfuz", "Rafiq",
            "Zubair",
        ],
        surnames: &[
            "Begum",
            "Uddin",
            "Miah",
            "Khatun",
            "Rahman",
            "Islam",
            "Hussain",
            "Ahmed",
            "Chowdhury",
            "Hoque",
            "Ali",
            "Khan",
        ],
    },
    Culture {
        key: "pakistani",
        ethnicity: Ethnicity::Pakistani,
        language: "Urdu",
        religion: Some("Muslim"),
        female: &[
            "Ayesha", "Zainab", "Maryam", "Hira", "Sana", "Iqra", "Amna", "Mehwish", "Rabia",
            "Noor",
        ],
        male: &[
            "Bilal", "Usman", "Hamza", "Zain", "Ahmed", "Faisal", "Asad", "Haris", "Imran", "Waqas",
        ],
        surnames: &[
            "Khan", "Hussain", "Iqbal", "Malik", "Butt", "Qureshi", "Raja", "Mahmood", "Akhtar",
            "Shah", "Chaudhry", "Javed",
        ],
    },
    Culture {
        key: "indian",
        ethnicity: Ethnicity::Indian,
        language: "Gujarati",
        religion: Some("Hindu"),
        female: &[
            "Priya", "Ananya", "Diya", "Kavya", "Meera", "Riya", "Shreya", "Anjali", "Pooja",
            "Nisha",
        ],
        male: &[
            "Arjun", "Rohan", "Aarav", "Vikram", "Rahul", "Karan", "Nikhil", "Dev", "Sanjay",
            "Amit",
        ],
        surnames: &[
            "Patel", "Shah", "Sharma", "Singh", "Mehta", "Desai", "Kaur", "Gupta", "Joshi",
            "Mistry", "Parmar", "Chauhan",
        ],
    },
    Culture {
        key: "arabic",
        ethnicity: Ethnicity::OtherEthnicGroup,
        language: "Arabic",
        religion: Some("Muslim"),
        female: &[
            "Fatima", "Mariam", "Layla", "Nour", "Salma", "Yasmin", "Hana", "Rania", "Amira",
            "Dalia", "Samira", "Jana",
        ],
        male: &[
            "Omar", "Youssef", "Karim", "Khalid", "Tariq", "Hamza", "Ibrahim", "Mustafa", "Rayan",
            "Adam", "Bilal", "Zakaria",
        ],
        surnames: &[
            "El-Amin",
            "Haddad",
            "Benali",
            "Mansour",
            "Nasser",
            "Khalil",
            "Saleh",
            "Al-Hashimi",
            "Bouzid",
            "Farouk",
            "Aziz",
            "Rahmani",
            "El-Idrissi",
            "Hamdan",
        ],
    },
    Culture {
        key: "turkish",
        ethnicity: Ethnicity::OtherWhite,
        language: "Turkish",
        religion: Some("Muslim"),
        female: &[
            "Elif", "Zeynep", "Ayse", "Emine", "Merve", "Defne", "Esra", "Buse", "Ecrin", "Irem",
        ],
        male: &[
            "Mehmet", "Mustafa", "Emre", "Burak", "Kerem", "Yusuf", "Eren", "Baris", "Onur", "Can",
        ],
        surnames: &[
            "Yilmaz", "Kaya", "Demir", "Sahin", "Celik", "Aydin", "Ozturk", "Arslan", "Dogan",
            "Kilic", "Aslan", "Korkmaz",
        ],
    },
    Culture {
        key: "kurdish",
        ethnicity: Ethnicity::OtherEthnicGroup,
        language: "Kurdish",
        religion: Some("Muslim"),
        female: &[
            "Berivan", "Rojda", "Dilan", "Nazdar", "Shilan", "Avin", "Hevi", "Jiyan", "Roza",
            "Zilan",
        ],
        male: &[
            "Azad", "Baran", "Dilshad", "Rebaz", "Shvan", "Kawa", "Aram", "Hoshyar", "Rezan",
            "Soran",
        ],
        surnames: &[
            "Barzani", "Hawrami", "Zebari", "Talabani", "Amedi", "Botani", "Kurdi", "Sindi",
            "Rashid", "Mahmud",
        ],
    },
    Culture {
        key: "afghan",
        ethnicity: Ethnicity::OtherAsian,
        language: "Dari",
        religion: Some("Muslim"),
        female: &[
            "Mursal", "Parwana", "Zarghona", "Madina", "Shabnam", "Farishta", "Nazanin", "Laila",
            "Malalai", "Sodaba",
        ],
        male: &[
            "Ahmad",
            "Mohammad",
            "Jawad",
            "Sohail",
            "Farid",
            "Nasir",
            "Wahid",
            "Hamid",
            "Zabihullah",
            "Najib",
        ],
        surnames: &[
            "Ahmadzai",
            "Popal",
            "Rahimi",
            "Karimi",
            "Noori",
            "Sultani",
            "Hakimi",
            "Safi",
            "Stanekzai",
            "Azizi",
            "Haidari",
            "Mohammadi",
        ],
    },
    Culture {
        key: "filipino",
        ethnicity: Ethnicity::OtherAsian,
        language: "Tagalog",
        religion: Some("Christian"),
        female: &[
            "Maricel", "Kristine", "Rowena", "Jasmine", "Angelica", "Joy", "Princess", "Lovely",
            "Rhea", "Analyn",
        ],
        male: &[
            "Jericho",
            "Mark",
            "Joel",
            "Rommel",
            "Carlo",
            "Paolo",
            "Jomar",
            "Reynaldo",
            "Jun",
            "Christian",
        ],
        surnames: &[
            "Santos",
            "Reyes",
            "Cruz",
            "Bautista",
            "Dela Cruz",
            "Garcia",
            "Mendoza",
            "Villanueva",
            "Ramos",
            "Aquino",
            "Castillo",
            "Domingo",
        ],
    },
    Culture {
        key: "colombian",
        ethnicity: Ethnicity::OtherEthnicGroup,
        language: "Spanish",
        religion: Some("Christian"),
        female: &[
            "Valentina",
            "Daniela",
            "Camila",
            "Sofia",
            "Isabella",
            "Paula",
            "Natalia",
            "Luisa",
            "Manuela",
            "Catalina",
        ],
        male: &[
            "Santiago",
            "Sebastian",
            "Mateo",
            "Andres",
            "Juan Pablo",
            "Camilo",
            "Felipe",
            "Julian",
            "Esteban",
            "Alejandro",
        ],
        surnames: &[
            "Rodriguez",
            "Gomez",
            "Gonzalez",
            "Martinez",
            "Garcia",
            "Lopez",
            "Hernandez",
            "Ramirez",
            "Moreno",
            "Jimenez",
            "Vargas",
            "Castro",
        ],
    },
    Culture {
        key: "chinese",
        ethnicity: Ethnicity::Chinese,
        language: "Cantonese",
        religion: None,
        female: &["Mei", "Xiu", "Ling", "Jing", "Yan", "Hui", "Li Na", "Wen"],
        male: &["Wei", "Jun", "Hao", "Ming", "Jian", "Long", "Kai", "Bo"],
        surnames: &[
            "Chen", "Wong", "Li", "Zhang", "Liu", "Lam", "Cheung", "Ho", "Lee", "Ng",
        ],
    },
];

/// Relative numbers of families from each tradition (in [`CULTURES`] order), per borough. Figures are rough
/// shares of the boroughs' child populations and of children in need in inner west London (2021 Census):
/// about a third White British, large Black African, Arab, Caribbean and Other White communities.
pub(crate) fn culture_weights(la: &str) -> &'static [u32] {
    match la {
        // english irish scot polish portug roman somali eritr niger ghana carib bangl pakis india arab turk kurd afghan filip colomb chinese
        "205" => &[
            30, 4, 2, 7, 4, 3, 8, 3, 5, 3, 8, 2, 2, 3, 6, 2, 2, 3, 2, 2, 1,
        ],
        "207" => &[
            28, 4, 2, 3, 7, 3, 4, 4, 3, 2, 6, 2, 1, 2, 12, 1, 2, 3, 4, 3, 1,
        ],
        "213" => &[
            24, 3, 2, 3, 3, 5, 5, 3, 4, 2, 6, 8, 3, 3, 14, 2, 2, 4, 2, 2, 2,
        ],
        _ => &[
            30, 3, 2, 5, 3, 4, 5, 2, 6, 4, 7, 6, 4, 5, 5, 3, 2, 2, 1, 1, 2,
        ],
    }
}

/// The ethnicity of a child whose parents were named from two different traditions.
pub(crate) fn mixed_ethnicity(a: Ethnicity, b: Ethnicity) -> Ethnicity {
    use Ethnicity::*;
    let white = |e: Ethnicity| matches!(e, WhiteBritish | WhiteIrish | OtherWhite);
    let pair = |x: Ethnicity| (white(a) && b == x) || (white(b) && a == x);
    if white(a) && white(b) {
        if a == b { a } else { OtherWhite }
    } else if a == b {
        a
    } else if pair(Caribbean) {
        WhiteAndBlackCaribbean
    } else if pair(African) {
        WhiteAndBlackAfrican
    } else if pair(Indian)
        || pair(Pakistani)
        || pair(Bangladeshi)
        || pair(OtherAsian)
        || pair(Chinese)
    {
        WhiteAndAsian
    } else {
        OtherMixed
    }
}

/// Names for workers and referrers, drawn from every tradition.
pub(crate) const WORKER_SURNAMES: &[&str] = &[
    "Adeyemi",
    "Brennan",
    "Campbell",
    "Da Silva",
    "Ellis",
    "Fraser",
    "Ghosh",
    "Hughes",
    "Ibrahim",
    "Jackson",
    "Khan",
    "Lewis",
    "Mensah",
    "Nowak",
    "O'Connor",
    "Patel",
    "Quinn",
    "Rahman",
    "Stewart",
    "Tesfaye",
    "Usman",
    "Varga",
    "Walsh",
    "Yilmaz",
    "Zielinska",
    "Okoro",
    "Bennett",
    "Chowdhury",
    "Doherty",
    "Evans",
    "Fernandes",
    "Greene",
    "Hassan",
    "Iqbal",
    "Jones",
    "Kowalczyk",
    "Lindqvist",
    "Murray",
    "Nair",
    "Osei",
    "Price",
    "Reid",
    "Shah",
    "Thompson",
    "Akhtar",
    "Baptiste",
    "Costa",
    "Dimitrov",
    "Edwards",
    "Francis",
    "Gallagher",
    "Henry",
];
pub(crate) const WORKER_FIRST: &[&str] = &[
    "Abigail", "Ben", "Claire", "David", "Efua", "Fatima", "Gareth", "Hannah", "Imran", "Joanna",
    "Kofi", "Laura", "Marta", "Nadia", "Owen", "Priya", "Rachel", "Samir", "Tom", "Una", "Vanessa",
    "Wendy", "Yusuf", "Zara", "Aisha", "Bronagh", "Carlos", "Deborah", "Emeka", "Frances", "Grace",
    "Hamid", "Iona", "Jamal", "Katie", "Luke", "Maryam", "Nathan", "Olga", "Paul", "Rosa", "Simon",
    "Tendai", "Victoria", "Will", "Yasmin",
];

/// Parts of invented street names.
const STREET_FIRST: &[&str] = &[
    "Alderbrook",
    "Ashcombe",
    "Barnaby",
    "Bellhaven",
    "Brackenfield",
    "Calloway",
    "Carrington",
    "Coldharbour",
    "Dunmore",
    "Elmstead",
    "Fairholme",
    "Fenwick",
    "Glenarm",
    "Greyfriars",
    "Harcourt",
    "Hazelmere",
    "Ivybridge",
    "Juniper",
    "Kelvedon",
    "Larkhall",
    "Lindenfield",
    "Marchmont",
    "Merridale",
    "Netherby",
    "Oakhurst",
    "Orchardleigh",
    "Pembridge",
    "Quillan",
    "Ravensdale",
    "Rosemoor",
    "Saltram",
    "Sherbourne",
    "Thornleigh",
    "Tollington",
    "Underhill",
    "Vesey",
    "Wexford",
    "Whitcombe",
    "Willowmere",
    "Wyndale",
    "Yarrow",
    "Amberley",
    "Blenheim",
    "Cheverton",
    "Dalmeny",
    "Elsworth",
    "Farrant",
    "Galloway",
    "Hollydene",
    "Kingsmere",
];
const STREET_SUFFIX: &[&str] = &[
    "Road", "Street", "Gardens", "Mews", "Court", "Place", "Terrace", "Avenue", "Crescent",
    "Square", "Walk", "Grove", "Close", "Row", "Villas",
];
const ESTATES: &[&str] = &["House", "Court", "Tower", "Point", "Lodge", "Mansions"];

/// The postcode districts of a borough (sub-districts for the W1 and SW1 areas).
pub(crate) fn postcode_districts(la: &str) -> &'static [&'static str] {
    match la {
        "205" => &["W6", "W12", "W14", "SW6"],
        "207" => &["W8", "W10", "W11", "SW3", "SW5", "SW7", "SW10"],
        "213" => &[
            "W1H", "W1U", "W1G", "W2", "W9", "NW1", "NW8", "SW1P", "SW1V", "SW1W",
        ],
        _ => &["N1", "E2", "SE5", "NW5"],
    }
}

/// An invented address in the borough: (line 1, line 2, postcode).
pub(crate) fn address(r: &mut crate::util::R, la: &str) -> (String, Option<String>, String) {
    let street = format!(
        "{} {}",
        r.pick(STREET_FIRST, "Elm"),
        r.pick(STREET_SUFFIX, "Road")
    );
    let district = r.pick(postcode_districts(la), "W6");
    const INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let letter = |r: &mut crate::util::R| char::from(r.pick(INWARD, b'A'));
    let postcode = format!("{district} {}{}{}", r.int(0, 9), letter(r), letter(r));
    let number = r.int(1, 160);
    let (line1, line2) = if r.chance(0.45) {
        // A flat in a block or a converted house.
        if r.chance(0.5) {
            (
                format!("Flat {}", r.int(1, 48)),
                Some(format!(
                    "{} {}, {number} {street}",
                    r.pick(STREET_FIRST, "Elm"),
                    r.pick(ESTATES, "House")
                )),
            )
        } else {
            (
                format!(
                    "Flat {}, {number} {street}",
                    r.pick(&["A", "B", "C", "1", "2", "3"], "A")
                ),
                None,
            )
        }
    } else {
        (format!("{number} {street}"), None)
    };
    (line1, line2, postcode)
}

/// Invented schools, GP practices and other organisations that refer children.
pub(crate) const SCHOOLS: &[&str] = &[
    "St Aidan's CE Primary School",
    "Larkhall Primary School",
    "Marchmont Academy",
    "Holy Cross RC Primary School",
    "Fenwick Park School",
    "Harcourt Community College",
    "Bellhaven Primary School",
    "Thornleigh High School",
    "Our Lady of Lourdes RC Primary School",
    "Whitcombe Academy",
    "Oakhurst Nursery School",
    "Galloway Secondary School",
];
pub(crate) const GP_PRACTICES: &[&str] = &[
    "Pembridge Medical Centre",
    "Netherby Surgery",
    "The Juniper Practice",
    "Ravensdale Health Centre",
    "Sherbourne Road Surgery",
    "Amberley Family Practice",
];
pub(crate) const HOSPITALS: &[&str] = &[
    "Westway General Hospital (A&E)",
    "Riverside Children's Hospital",
    "St Cuthbert's Hospital (maternity)",
];
