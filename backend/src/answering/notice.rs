//! RESP-1 / DSR-1: the privacy notice shown before the first question.

use tillit_api::{PrivacyNotice, Texts};

fn t(nb: &str, nn: &str, en: &str) -> Texts {
    Texts {
        nb: nb.into(),
        nn: nn.into(),
        en: en.into(),
    }
}

pub fn notice(controller: &str, processor: &str) -> PrivacyNotice {
    PrivacyNotice {
        controller: controller.to_string(),
        processor: processor.to_string(),
        purposes: t(
            "Å kartlegge arbeidsmiljøet slik at virksomheten kan følge det opp og gjøre det bedre.",
            "Å kartleggje arbeidsmiljøet slik at verksemda kan følgje det opp og gjere det betre.",
            "To survey the work environment so that the agency can follow it up and improve it.",
        ),
        legal_basis: t(
            "Arbeidsgivers plikt til å kartlegge og følge opp arbeidsmiljøet (arbeidsmiljøloven § 3-1). Forskningsbruk skjer bare med ditt samtykke.",
            "Plikta arbeidsgivaren har til å kartleggje og følgje opp arbeidsmiljøet (arbeidsmiljølova § 3-1). Forskingsbruk skjer berre med samtykket ditt.",
            "The employer's duty to survey and follow up the work environment (Working Environment Act § 3-1). Research use only with your consent.",
        ),
        retention: t(
            "E-postadressen din slettes senest 90 dager etter at undersøkelsen er avsluttet. Svarene lagres uten noe som knytter dem til deg, og rapporteres bare for grupper på minst 6.",
            "E-postadressa di blir sletta seinast 90 dagar etter at undersøkinga er avslutta. Svara blir lagra utan noko som knyter dei til deg, og blir rapporterte berre for grupper på minst 6.",
            "Your email address is deleted at the latest 90 days after the survey closes. Answers are stored with nothing that links them to you, and are reported only for groups of at least 6.",
        ),
        rights: t(
            "Du kan be om innsyn i, retting av og sletting av opplysningene om deg, protestere og reservere deg mot påminnelser. Kontakt virksomheten din; svarene dine kan ingen finne igjen, heller ikke vi.",
            "Du kan be om innsyn i, retting av og sletting av opplysningane om deg, protestere og reservere deg mot påminningar. Kontakt verksemda di; svara dine kan ingen finne att, heller ikkje vi.",
            "You may ask for access to, correction and erasure of the data about you, object, and opt out of reminders. Contact your agency; nobody can find your answers again, not even us.",
        ),
        research: t(
            "Du kan samtykke til at de anonyme svarene dine også brukes i forskning. Det er frivillig, og du kan svare på undersøkelsen uansett. Med kvitteringskoden kan du trekke samtykket senere.",
            "Du kan samtykkje til at dei anonyme svara dine òg blir brukte i forsking. Det er friviljug, og du kan svare på undersøkinga uansett. Med kvitteringskoden kan du trekkje samtykket seinare.",
            "You may consent to your anonymous answers also being used for research. It is voluntary, and you can answer the survey either way. With the receipt code you can withdraw consent later.",
        ),
    }
}
