//! The word lists seed data is drawn from. Russian names carry a Latin spelling for emails
//! and Telegram usernames.

/// (name, Latin spelling)
pub const FIRST_NAMES: &[(&str, &str)] = &[
    ("Olivia", "olivia"), ("Liam", "liam"), ("Emma", "emma"), ("Noah", "noah"),
    ("Ava", "ava"), ("Oliver", "oliver"), ("Sophia", "sophia"), ("Elijah", "elijah"),
    ("Isabella", "isabella"), ("James", "james"), ("Mia", "mia"), ("William", "william"),
    ("Amelia", "amelia"), ("Benjamin", "benjamin"), ("Harper", "harper"), ("Lucas", "lucas"),
    ("Evelyn", "evelyn"), ("Henry", "henry"), ("Abigail", "abigail"), ("Alexander", "alexander"),
    ("Emily", "emily"), ("Daniel", "daniel"), ("Grace", "grace"), ("Samuel", "samuel"),
    ("Chloe", "chloe"), ("David", "david"), ("Hannah", "hannah"), ("Joseph", "joseph"),
    ("Lena", "lena"), ("Mateo", "mateo"), ("Priya", "priya"), ("Arjun", "arjun"),
    ("Yuki", "yuki"), ("Chen", "chen"), ("Fatima", "fatima"), ("Omar", "omar"),
    ("Sofia", "sofia"), ("Luca", "luca"), ("Ingrid", "ingrid"), ("Lars", "lars"),
    ("Анна", "anna"), ("Мария", "maria"), ("Елена", "elena"), ("Ольга", "olga"),
    ("Наталья", "natalya"), ("Ирина", "irina"), ("Татьяна", "tatyana"), ("Екатерина", "ekaterina"),
    ("Светлана", "svetlana"), ("Юлия", "yulia"), ("Александр", "aleksandr"), ("Дмитрий", "dmitry"),
    ("Сергей", "sergey"), ("Андрей", "andrey"), ("Алексей", "aleksey"), ("Михаил", "mikhail"),
    ("Иван", "ivan"), ("Николай", "nikolay"), ("Павел", "pavel"), ("Владимир", "vladimir"),
];

pub const LAST_NAMES: &[(&str, &str)] = &[
    ("Smith", "smith"), ("Johnson", "johnson"), ("Williams", "williams"), ("Brown", "brown"),
    ("Jones", "jones"), ("Garcia", "garcia"), ("Miller", "miller"), ("Davis", "davis"),
    ("Rodriguez", "rodriguez"), ("Martinez", "martinez"), ("Hernandez", "hernandez"), ("Lopez", "lopez"),
    ("Wilson", "wilson"), ("Anderson", "anderson"), ("Thomas", "thomas"), ("Taylor", "taylor"),
    ("Moore", "moore"), ("Jackson", "jackson"), ("Martin", "martin"), ("Lee", "lee"),
    ("Thompson", "thompson"), ("White", "white"), ("Harris", "harris"), ("Clark", "clark"),
    ("Lewis", "lewis"), ("Walker", "walker"), ("Young", "young"), ("King", "king"),
    ("Müller", "mueller"), ("Schmidt", "schmidt"), ("Rossi", "rossi"), ("Dubois", "dubois"),
    ("Nakamura", "nakamura"), ("Wang", "wang"), ("Kowalski", "kowalski"), ("Novak", "novak"),
    ("Иванов", "ivanov"), ("Смирнов", "smirnov"), ("Кузнецов", "kuznetsov"), ("Попов", "popov"),
    ("Васильев", "vasiliev"), ("Петров", "petrov"), ("Соколов", "sokolov"), ("Михайлов", "mikhailov"),
    ("Новиков", "novikov"), ("Фёдоров", "fedorov"), ("Морозов", "morozov"), ("Волков", "volkov"),
    ("Алексеев", "alekseev"), ("Лебедев", "lebedev"), ("Семёнов", "semenov"), ("Егоров", "egorov"),
];

pub const COMPANY_WORDS: &[&str] = &[
    "Northwind", "Blue Harbor", "Silverline", "Red Maple", "Granite", "Brightpath", "Summit",
    "Ironwood", "Clearwater", "Evergreen", "Lighthouse", "Copperfield", "Pinecrest", "Starling",
    "Riverbend", "Oakridge", "Crescent", "Falcon", "Horizon", "Keystone", "Meridian", "Nimbus",
    "Orion", "Pioneer", "Quantum", "Redwood", "Sapphire", "Tidewater", "Umbra", "Vanguard",
    "Willow", "Zephyr", "Atlas", "Beacon", "Cobalt", "Delta", "Ember", "Fjord", "Glacier",
    "Harvest", "Северсталь", "Ромашка", "Вектор", "Альфа", "Гранит", "Полярная звезда",
    "Волга", "Сибирь", "Байкал", "Рассвет",
];

pub const COMPANY_KINDS: &[&str] = &[
    "Logistics", "Software", "Analytics", "Foods", "Energy", "Robotics", "Health", "Capital",
    "Media", "Textiles", "Motors", "Labs", "Systems", "Consulting", "Pharma", "Retail", "Studio",
    "Networks", "Materials", "Travel",
];

pub const COMPANY_SUFFIXES: &[&str] = &[
    "Inc", "LLC", "Ltd", "GmbH", "Group", "Co", "Partners", "ООО", "АО", "Holdings",
];

pub const INDUSTRIES: &[&str] = &[
    "Software", "Logistics", "Retail", "Manufacturing", "Healthcare", "Financial services",
    "Education", "Real estate", "Energy", "Telecommunications", "Media", "Hospitality",
    "Construction", "Agriculture", "Automotive", "Consulting", "E-commerce", "Pharmaceuticals",
    "Travel", "Food and beverage",
];

pub const SIZES: &[&str] = &["1-10", "11-50", "51-200", "201-500", "501-1000", "1000+"];

pub const DOMAINS: &[&str] = &["com", "io", "co", "net", "ru", "de", "org"];

pub const MAIL_HOSTS: &[&str] = &["gmail.com", "outlook.com", "yandex.ru", "mail.ru", "proton.me"];

pub const PRODUCTS: &[&str] = &[
    "Annual licence", "Pilot project", "Enterprise plan", "Support renewal", "Onboarding package",
    "Team seats", "Data migration", "Integration work", "Premium support", "Training programme",
    "Hardware refresh", "Consulting retainer", "Starter plan", "Expansion", "Multi-year contract",
];

/// (currency, weight, typical deal size in minor units)
pub const CURRENCIES: &[(&str, u32, i64)] = &[
    ("USD", 55, 2_500_000),
    ("EUR", 20, 2_000_000),
    ("RUB", 15, 150_000_000),
    ("GBP", 7, 1_800_000),
    ("AED", 3, 8_000_000),
];

/// Weights for the default pipeline's six stages: New … Negotiation, Won, Lost.
pub const STAGE_WEIGHTS: &[u32] = &[30, 20, 15, 10, 15, 10];

pub const LOST_REASONS: &[&str] = &[
    "Went with a competitor", "No budget this year", "Timing: revisit next quarter",
    "Chose to build in-house", "No reply after the proposal", "Price too high",
];

pub const NOTES: &[&str] = &[
    "Called, interested in a demo next week.",
    "Sent the pricing sheet; waiting for feedback from their finance team.",
    "They use a spreadsheet today and want to move before the busy season.",
    "Met at the trade fair. Asked about the Telegram integration.",
    "Decision maker is the head of sales; procurement needs two quotes.",
    "Позвонил, договорились о демонстрации в четверг.",
    "Отправил коммерческое предложение, ждём ответа до конца месяца.",
    "Renewal is due in three months; happy with support so far.",
    "Wants a discount for a two-year commitment.",
    "Security review passed; legal is reading the contract.",
];

pub const REMINDERS: &[&str] = &[
    "Follow up on the proposal", "Send the contract", "Schedule a demo", "Check in after the trial",
    "Ask for a referral", "Prepare the quarterly review", "Перезвонить по договору",
    "Отправить счёт",
];
