//! The one catalogue of user-facing text, in English and Spanish side by side, and the
//! locale's way of writing dates and times (12/24 h). Every word a patient reads in the app
//! comes from here; the command line's output and error messages stay in English.
//!
//! Pure: the language and the clock format come in as arguments; nothing here reads the
//! system locale (the platform layer does, once, at start).

use crate::domain::adherence::DateState;
use crate::domain::area::{LegRegion, Side, TreatedArea};
use crate::domain::checkin::RemovalReason;
use crate::domain::emergency::EmergencyNumber;
use crate::domain::plan::{Question, WearMode};
use crate::domain::session::ChecklistItem;
use crate::domain::symptoms::{Advice, Symptom, Triage};
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};

/// A language of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    /// Every language, in the order the settings list them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The tag stored in the settings ("en", "es").
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }

    /// The language of a locale tag such as "es-MX", "es_ES.UTF-8" or "en-GB"; `None` for a
    /// language the catalogue does not have.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }
}

/// Whether a system locale writes times with a 24-hour clock. English in the United States,
/// Canada, Australia, New Zealand, the Philippines and India uses 12 hours; the rest of the
/// catalogue's locales use 24.
pub fn locale_uses_24h(tag: &str) -> bool {
    let normalized = tag.replace('_', "-").to_ascii_uppercase();
    let mut parts = normalized.split(['-', '.', '@']);
    let lang = parts.next().unwrap_or("");
    let region = parts.next().unwrap_or("");
    !(lang == "EN" && ["US", "CA", "AU", "NZ", "PH", "IN"].contains(&region))
}

/// How the app writes text, dates and times for the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locale {
    pub lang: Lang,
    pub hour24: bool,
    /// The device's region (from the system locale), for the emergency number.
    pub region: Option<crate::domain::emergency::Region>,
}

impl Locale {
    /// The settings' choices where made, else the system locale's.
    pub fn choose(
        setting_lang: Option<&str>,
        setting_hour24: Option<bool>,
        system_tag: &str,
    ) -> Locale {
        let lang = setting_lang
            .and_then(Lang::from_tag)
            .or_else(|| Lang::from_tag(system_tag))
            .unwrap_or(Lang::En);
        let hour24 = setting_hour24.unwrap_or_else(|| locale_uses_24h(system_tag));
        Locale {
            lang,
            hour24,
            region: crate::domain::emergency::region_of(system_tag),
        }
    }

    /// The catalogue of this language.
    pub fn t(&self) -> &'static Texts {
        texts(self.lang)
    }

    /// "Friday, 4 December 2026" / "viernes, 4 de diciembre de 2026".
    pub fn date_long(&self, d: NaiveDate) -> String {
        let t = self.t();
        fill(
            t.date_long,
            &[
                ("weekday", t.weekday(d.weekday())),
                ("day", &d.day().to_string()),
                ("month", t.month(d.month())),
                ("year", &d.year().to_string()),
            ],
        )
    }

    /// "Friday, 4 December" / "viernes, 4 de diciembre".
    pub fn date_medium(&self, d: NaiveDate) -> String {
        let t = self.t();
        fill(
            t.date_medium,
            &[
                ("weekday", t.weekday(d.weekday())),
                ("day", &d.day().to_string()),
                ("month", t.month(d.month())),
            ],
        )
    }

    /// "Fri 4 Dec" / "vie 4 dic".
    pub fn date_short(&self, d: NaiveDate) -> String {
        let t = self.t();
        let weekday: String = t.weekday(d.weekday()).chars().take(3).collect();
        let month: String = t.month(d.month()).chars().take(3).collect();
        fill(
            t.date_short,
            &[
                ("weekday", &weekday),
                ("day", &d.day().to_string()),
                ("month", &month),
            ],
        )
    }

    /// "15:30" or "3:30 PM" / "3:30 p. m.".
    pub fn time(&self, time: NaiveTime) -> String {
        if self.hour24 {
            format!("{:02}:{:02}", time.hour(), time.minute())
        } else {
            let (pm, h) = time.hour12();
            let t = self.t();
            format!(
                "{h}:{:02} {}",
                time.minute(),
                if pm { t.time_pm } else { t.time_am }
            )
        }
    }
}

/// The catalogue of a language.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Es => &ES,
    }
}

/// Replaces every `{name}` in `template` with its value.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The `{name}` placeholders of a template, in order.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                found.push(after[..close].to_string());
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    found
}

macro_rules! catalogue {
    ($($key:ident => $en:literal, $es:literal;)*) => {
        /// Every user-facing text of the app in one language.
        #[derive(Debug)]
        pub struct Texts {
            $(pub $key: &'static str,)*
        }

        /// English.
        pub const EN: Texts = Texts { $($key: $en,)* };
        /// Spanish.
        pub const ES: Texts = Texts { $($key: $es,)* };

        /// Every entry as (key, English, Spanish), for checks of the catalogue.
        pub const ENTRIES: &[(&str, &str, &str)] = &[$((stringify!($key), $en, $es),)*];
    };
}

catalogue! {
    app_name => "Aftercare", "Aftercare";
    date_long => "{weekday}, {day} {month} {year}", "{weekday}, {day} de {month} de {year}";
    date_medium => "{weekday}, {day} {month}", "{weekday}, {day} de {month}";
    date_short => "{weekday} {day} {month}", "{weekday} {day} {month}";
    time_am => "AM", "a. m.";
    time_pm => "PM", "p. m.";
    mon => "Monday", "lunes";
    tue => "Tuesday", "martes";
    wed => "Wednesday", "miércoles";
    thu => "Thursday", "jueves";
    fri => "Friday", "viernes";
    sat => "Saturday", "sábado";
    sun => "Sunday", "domingo";
    jan => "January", "enero";
    feb => "February", "febrero";
    mar => "March", "marzo";
    apr => "April", "abril";
    may => "May", "mayo";
    jun => "June", "junio";
    jul => "July", "julio";
    aug => "August", "agosto";
    sep => "September", "septiembre";
    oct => "October", "octubre";
    nov => "November", "noviembre";
    dec => "December", "diciembre";

    nav_label => "Main", "Principal";
    nav_today => "Today", "Hoy";
    nav_checkin => "Check-in", "Registro";
    nav_plan => "Plan", "Plan";
    nav_settings => "Settings", "Ajustes";
    close => "Close", "Cerrar";
    back => "Back", "Volver";
    cancel => "Cancel", "Cancelar";
    saved => "Saved.", "Guardado.";
    error_prefix => "That did not work:", "No se pudo hacer:";
    error_way_forward => "Nothing was changed. Check the entry and try again.", "No se ha cambiado nada. Revise los datos e inténtelo de nuevo.";

    welcome_title => "Welcome to Aftercare", "Le damos la bienvenida a Aftercare";
    welcome_body => "Set up your treatment once, and Aftercare tells you each day how long the stockings stay on, reminds you to check in, and tells you if anything you feel is a warning sign.", "Registre su tratamiento una vez y Aftercare le dirá cada día cuánto tiempo más debe llevar las medias, le recordará hacer el registro diario y le avisará si algo de lo que siente es una señal de alarma.";
    welcome_button => "Set up my treatment", "Registrar mi tratamiento";
    welcome_private => "Everything stays on this device unless you choose to share it.", "Todo se queda en este dispositivo salvo que usted decida compartirlo.";

    day_k_of_n => "Day {k} of {n}", "Día {k} de {n}";
    last_day => "Last day", "Último día";
    coming_up => "Your session is coming up", "Su sesión se acerca";
    finished => "Compression finished — well done", "Compresión terminada: ¡bien hecho!";
    progress_label => "{done} of {n} days done", "{done} de {n} días completados";
    stockings_off_at => "Stockings off on {date} at {time}", "Podrá quitarse las medias el {date} a las {time}";
    stockings_came_off => "The stockings came off on {date} at {time}", "Las medias se retiraron el {date} a las {time}";
    remaining_days_hours => "{days} days and {hours} hours to go", "Faltan {days} días y {hours} horas";
    remaining_hours => "{hours} hours to go", "Faltan {hours} horas";
    remaining_minutes => "Less than an hour to go", "Falta menos de una hora";
    phase_continuous => "Keep them on day and night.", "Llévelas puestas de día y de noche.";
    phase_daytime => "Daytime only: on from morning until bedtime.", "Solo de día: póngaselas por la mañana y quíteselas al acostarse.";
    session_on => "Your session: {date} at {time}", "Su sesión: {date} a las {time}";
    checklist_title => "Before your session", "Antes de su sesión";
    checklist_measured => "Stockings measured", "Medias medidas";
    checklist_ordered => "Stockings ordered", "Medias encargadas";
    checklist_ready => "Stockings ready to bring", "Medias listas para llevar";
    checklist_all_done => "All set for your session.", "Todo listo para su sesión.";

    today_checkin_title => "Today's check-in", "Registro de hoy";
    today_checkin_open => "Not recorded yet.", "Aún sin registrar.";
    today_checkin_done => "Recorded: {state}.", "Registrado: {state}.";
    checkin_now => "Check in now", "Registrar ahora";
    checkin_edit => "Edit today's check-in", "Modificar el registro de hoy";
    earlier_open => "{count} earlier dates are not recorded yet.", "{count} fechas anteriores aún no están registradas.";
    earlier_open_single => "One earlier date is not recorded yet.", "Una fecha anterior aún no está registrada.";
    earlier_open_one => "Yesterday is not recorded yet.", "Ayer aún no está registrado.";
    record_earlier => "Record {date}", "Registrar {date}";
    inbox_title => "While Aftercare was closed", "Mientras Aftercare estaba cerrada";
    inbox_open => "Open", "Abrir";
    inbox_dismiss => "Dismiss", "Descartar";
    inbox_dismiss_all => "Dismiss all", "Descartar todo";
    photo_title => "Result photos", "Fotos del resultado";
    photo_due => "Take your result photos on {date}, three months after treatment.", "Haga las fotos del resultado el {date}, tres meses después del tratamiento.";
    photo_due_now => "It is time for your result photos: three months have passed since treatment.", "Es el momento de las fotos del resultado: han pasado tres meses desde el tratamiento.";
    well_done_body => "Your record shows the stockings worn as planned on every day of the plan. The final result shows at three months.", "Su registro muestra las medias puestas según lo indicado todos los días de la pauta. El resultado final se ve a los tres meses.";
    plan_end_recorded => "Your plan has ended. Your record shows the stockings worn as planned on {complete} of its {dates} days; your clinic sees the whole record in your report. The final result shows at three months.", "Su pauta ha terminado. Su registro muestra las medias puestas según lo indicado {complete} de sus {dates} días; su clínica ve el registro completo en su informe. El resultado final se ve a los tres meses.";
    open_photos => "Result photos", "Fotos del resultado";
    open_share => "Share with my clinic", "Compartir con mi clínica";
    red_flag_recent => "You reported a warning sign", "Ha indicado una señal de alarma";
    red_flag_reported => "{symptom} — reported {date} at {time}", "{symptom}: indicado el {date} a las {time}";
    see_advice => "See what to do", "Ver qué hacer";

    state_complete => "worn as planned", "llevadas según el plan";
    state_partial => "taken off for a while", "quitadas un rato";
    state_missed => "not worn", "no llevadas";
    state_not_recorded => "not recorded", "sin registrar";
    state_upcoming => "upcoming", "próximo";
    late_mark => "late entry", "registro tardío";
    edited_mark => "edited", "modificado";

    checkin_title => "Check-in", "Registro diario";
    checkin_for => "Check-in for {date}", "Registro del {date}";
    checkin_date_label => "Date", "Fecha";
    checkin_late_hint => "This will be marked as a late entry; that is fine, it still helps your clinic.", "Se marcará como registro tardío; no pasa nada, sigue siendo útil para su clínica.";
    checkin_editing => "You are changing an earlier answer. The earlier version is kept.", "Está cambiando una respuesta anterior. Se conserva la versión anterior.";
    checkin_nothing => "There is no plan running for a check-in.", "No hay ningún plan en curso para registrar.";
    question_night => "Last night", "Anoche";
    question_day => "Today", "Hoy";
    question_day_of => "During the day of {date}", "Durante el día {date}";
    question_night_of => "The night before {date}", "La noche antes del {date}";
    wear_all => "Worn all the time", "Puestas todo el tiempo";
    wear_off => "Taken off briefly", "Quitadas un rato";
    wear_not => "Not worn", "No las llevé";
    minutes_off => "Minutes off", "Minutos sin medias";
    reason_label => "Why", "Motivo";
    reason_choose => "Choose a reason", "Elija un motivo";
    reason_shower => "Shower", "Ducha";
    reason_skin_care => "Skin care", "Cuidado de la piel";
    reason_too_tight => "Too tight", "Demasiado apretadas";
    reason_itching => "Itching", "Picor";
    reason_pain => "Pain", "Dolor";
    reason_other => "Other", "Otro";
    walking_label => "Minutes walked", "Minutos caminando";
    symptoms_title => "How do your legs feel?", "¿Cómo siente las piernas?";
    symptoms_expected => "Common after treatment", "Habitual tras el tratamiento";
    symptoms_expected_note => "These are common and usually fade over the coming weeks.", "Son habituales y suelen desaparecer en las próximas semanas.";
    symptoms_warning => "Warning signs", "Señales de alarma";
    note_label => "Note (optional)", "Nota (opcional)";
    save_checkin => "Save check-in", "Guardar registro";
    checkin_saved => "Check-in for {date} saved.", "Registro del {date} guardado.";
    need_answer => "Please answer: {question}.", "Responda, por favor: {question}.";
    need_minutes => "Please give the minutes the stockings were off ({question}).", "Indique los minutos sin medias ({question}).";
    need_reason => "Please choose why the stockings were off ({question}).", "Elija por qué se quitó las medias ({question}).";
    bad_number => "'{value}' is not a number of minutes.", "«{value}» no es un número de minutos.";
    history_count => "Changed {count} times; earlier versions are kept.", "Modificado {count} veces; se conservan las versiones anteriores.";

    sym_bruising => "Bruising", "Hematomas";
    sym_itching => "Itching", "Picazón";
    sym_redness => "Redness", "Enrojecimiento";
    sym_tenderness => "Tenderness along the treated veins", "Sensibilidad a lo largo de las venas tratadas";
    sym_small_lumps => "Small lumps along the treated veins", "Pequeños bultos a lo largo de las venas tratadas";
    sym_brown_marks => "Brown marks on the skin", "Manchas marrones en la piel";
    sym_one_leg => "Pain, swelling or warmth in one calf or thigh", "Dolor, hinchazón o calor en una pantorrilla o un muslo";
    sym_skin_sore => "A sore or blackened patch of skin", "Una herida o una zona de piel ennegrecida";
    sym_toes => "Toes pale, blue, cold or numb", "Dedos de los pies pálidos, azulados, fríos o dormidos";
    sym_chest_pain => "Chest pain", "Dolor en el pecho";
    sym_breathless => "Sudden shortness of breath", "Falta de aire repentina";
    sym_coughing_blood => "Coughing up blood", "Tos con sangre";
    sym_face_swelling => "Swelling of face or lips, or difficulty breathing", "Hinchazón de la cara o los labios, o dificultad para respirar";
    sym_vision_speech => "Sudden change in vision or speech", "Cambio repentino en la vista o el habla";
    sym_dizzy_faint => "Dizziness or fainting", "Mareo o desmayo";
    sym_one_sided => "Weakness or numbness on one side of the body, or a drooping face", "Debilidad o entumecimiento de un lado del cuerpo, o la cara caída de un lado";
    sym_infection => "Fever, or redness and heat spreading from an injection site", "Fiebre, o enrojecimiento y calor que se extienden desde un punto de inyección";
    sym_blisters => "Blisters under the stocking", "Ampollas bajo la media";

    advisory_label => "Warning sign advice", "Aviso de señal de alarma";
    advisory_emergency_title => "Call emergency services now", "Llame ahora a emergencias";
    advisory_emergency_body => "Call emergency services on {number} now. Do not wait for your clinic.", "Llame ahora a emergencias al {number}. No espere a su clínica.";
    advisory_emergency_body_unknown => "Call emergency services now: {number}, or your local emergency number. Do not wait for your clinic.", "Llame ahora a emergencias: {number} o el número de emergencias de su país. No espere a su clínica.";
    advisory_urgent_now_title => "Contact your clinic now", "Contacte ahora con su clínica";
    advisory_clot_body => "Pain, swelling or warmth in one leg can be a sign of a blood clot. Contact your clinic now. If you cannot reach them, go to urgent care or an emergency department today.", "El dolor, la hinchazón o el calor en una pierna pueden ser señal de un coágulo. Contacte ahora con su clínica. Si no consigue hablar con ella, acuda hoy a un centro de urgencias.";
    advisory_clot_body_nhs => "Pain, swelling or warmth in one leg can be a sign of a blood clot. Contact your clinic now. If you cannot reach them, call NHS 111 or go to an urgent treatment centre or A&E today.", "El dolor, la hinchazón o el calor en una pierna pueden ser señal de un coágulo. Contacte ahora con su clínica. Si no consigue hablar con ella, llame al NHS 111 o acuda hoy a urgencias.";
    advisory_urgent_title => "Contact your clinic today", "Contacte hoy con su clínica";
    advisory_urgent_body => "Contact your clinic today so that they can look at it.", "Contacte hoy con su clínica para que puedan revisarlo.";
    advisory_tight_body => "Your stocking may be too tight: loosen it (do not cut it) and contact your clinic today. If your toes stay pale, blue, cold or numb once it is loosened, contact them now.", "Puede que la media apriete demasiado: aflójela (no la corte) y contacte hoy con su clínica. Si los dedos siguen pálidos, azulados, fríos o dormidos después de aflojarla, contacte con ella ahora.";
    advisory_nothing_sent => "Nothing has been sent to your clinic: call them with the buttons below.", "No se ha enviado nada a su clínica: llámela con los botones de abajo.";
    too_tight_advice => "Stockings that are too tight: loosen them, do not cut them, and tell your clinic today; they can check the size. Toes that are pale, blue, cold or numb are a warning sign: tick it below.", "Si las medias aprietan demasiado: aflójelas, no las corte, y dígaselo hoy a su clínica; pueden revisar la talla. Los dedos pálidos, azulados, fríos o dormidos son una señal de alarma: márquela abajo.";
    advisory_expected => "This is common after treatment and usually fades over the coming weeks.", "Es habitual tras el tratamiento y suele desaparecer en las próximas semanas.";
    advisory_you_chose => "You marked:", "Ha marcado:";
    not_a_diagnosis => "This is guidance, not a diagnosis.", "Esto es una orientación, no un diagnóstico.";
    call_clinic => "Call {clinic}", "Llamar a {clinic}";
    your_clinic => "your clinic", "su clínica";
    call_emergency => "Call emergency services ({number})", "Llamar a emergencias ({number})";
    call_urgent_line => "Call NHS 111", "Llamar al NHS 111";
    no_clinic_phone => "Add your clinic's phone number in Settings to call it from here with one tap.", "Añada el teléfono de su clínica en Ajustes para llamar desde aquí con un toque.";
    advisory_back => "Back to my check-in", "Volver a mi registro";
    advisory_back_today => "Back to Today", "Volver a Hoy";

    plan_title => "Plan and history", "Plan e historial";
    session_title => "Session of {date}", "Sesión del {date}";
    wear_period => "Stockings on from {start} until {end}", "Medias desde el {start} hasta el {end}";
    areas_label => "Treated areas", "Zonas tratadas";
    adherence_title => "Days covered", "Días cumplidos";
    adherence_day => "Day wear: {value}", "De día: {value}";
    adherence_night => "Night wear: {value}", "De noche: {value}";
    adherence_none => "–", "–";
    chart_label => "Wear by date: the upper row is the night, the lower row the day", "Uso por fecha: la fila de arriba es la noche y la de abajo el día";
    chart_night => "Night", "Noche";
    chart_day => "Day", "Día";
    legend_complete => "worn", "puestas";
    legend_partial => "off for a while", "quitadas un rato";
    legend_missed => "not worn", "no puestas";
    legend_open => "not recorded / not yet", "sin registrar / pendiente";
    date_row => "{date}: {state}", "{date}: {state}";
    add_session => "Add another session", "Añadir otra sesión";

    setup_title => "Your treatment", "Su tratamiento";
    setup_date => "Treatment date", "Fecha del tratamiento";
    setup_time => "Session ended at", "Hora de fin de la sesión";
    setup_areas => "Treated areas", "Zonas tratadas";
    setup_areas_hint => "Tap each treated area on the legs, or use Tab and Space.", "Toque cada zona tratada en las piernas, o use Tab y Espacio.";
    setup_areas_chosen => "Chosen: {areas}", "Elegidas: {areas}";
    setup_areas_none => "No area chosen yet.", "Aún no ha elegido ninguna zona.";
    setup_front => "Front", "Delante";
    setup_back => "Back", "Detrás";
    setup_stockings => "Stockings", "Medias";
    setup_class => "Compression class", "Clase de compresión";
    setup_length => "Length", "Largo";
    class_unknown => "Not sure", "No lo sé";
    class_1 => "Class 1 (light)", "Clase 1 (ligera)";
    class_2 => "Class 2 (moderate)", "Clase 2 (moderada)";
    class_3 => "Class 3 (strong)", "Clase 3 (fuerte)";
    length_knee => "Knee-high", "Hasta la rodilla";
    length_thigh => "Thigh-high", "Hasta el muslo";
    length_tights => "Tights", "Panty";
    setup_clinic => "Your clinic", "Su clínica";
    clinic_name => "Clinic name", "Nombre de la clínica";
    clinic_phone => "Clinic phone", "Teléfono de la clínica";
    clinic_email => "Clinic e-mail", "Correo de la clínica";
    setup_plan => "Your clinic's plan", "El plan de su clínica";
    setup_plan_hint => "Most clinics ask for 14 days day and night. Change it only if your clinic told you so.", "La mayoría de las clínicas piden 14 días de día y de noche. Cámbielo solo si su clínica se lo ha indicado.";
    setup_days_continuous => "Days day and night", "Días de día y de noche";
    setup_days_daytime => "Then days in daytime only", "Después, días solo de día";
    setup_save => "Save my treatment", "Guardar mi tratamiento";
    setup_saved => "Saved. Your plan has started.", "Guardado. Su plan ha comenzado.";
    setup_saved_future => "Saved. Here is your checklist for before the session.", "Guardado. Esta es su lista para antes de la sesión.";
    bad_date => "Please give the treatment date.", "Indique la fecha del tratamiento.";
    bad_time => "Please give the time the session ended.", "Indique la hora de fin de la sesión.";
    bad_days => "The plan must have between 1 and 42 days in total.", "El plan debe tener entre 1 y 42 días en total.";
    bad_email => "The clinic e-mail needs an @.", "El correo de la clínica necesita una @.";

    side_left => "Left", "Izquierda";
    side_right => "Right", "Derecha";
    region_thigh_front => "thigh, front", "muslo, delante";
    region_thigh_back => "thigh, back", "muslo, detrás";
    region_knee => "knee", "rodilla";
    region_calf_front => "calf, front", "pantorrilla, delante";
    region_calf_back => "calf, back", "pantorrilla, detrás";
    region_ankle => "ankle and foot", "tobillo y pie";

    settings_title => "Settings", "Ajustes";
    settings_reminders => "Reminders", "Recordatorios";
    settings_checkin_time => "Daily check-in", "Registro diario";
    settings_followup_time => "Next-morning follow-up", "Aviso a la mañana siguiente";
    settings_morning_note => "Morning note on wear days", "Nota matinal en los días con medias";
    settings_morning_time => "Morning note at", "Nota matinal a las";
    settings_quiet => "Quiet hours", "Horas de silencio";
    settings_quiet_start => "Quiet from", "Silencio desde";
    settings_quiet_end => "Quiet until", "Silencio hasta";
    settings_language => "Language", "Idioma";
    settings_follow_system => "Follow the system", "Según el sistema";
    settings_emergency => "Emergency number", "Número de emergencias";
    settings_emergency_hint => "Leave empty to use {number}, the number for this phone's region. The warning-sign advice calls the number set here.", "Déjelo vacío para usar el {number}, el número de la región de este teléfono. El aviso de señales de alarma llama al número indicado aquí.";
    settings_time_format => "Time format", "Formato de hora";
    settings_24h => "24-hour (15:30)", "24 horas (15:30)";
    settings_12h => "12-hour (3:30 PM)", "12 horas (3:30 p. m.)";
    settings_save => "Save settings", "Guardar ajustes";
    settings_saved => "Settings saved.", "Ajustes guardados.";
    settings_notifications => "Notifications", "Notificaciones";
    notify_desktop => "Reminders appear as desktop notifications while Aftercare is open; any you miss wait in the list on Today.", "Los recordatorios aparecen como notificaciones de escritorio mientras Aftercare está abierta; los que se pierda esperan en la lista de Hoy.";
    notify_mobile => "Reminders are shown while the app is open and in the list on Today; phone notifications are set up by the system.", "Los recordatorios se muestran con la aplicación abierta y en la lista de Hoy; las notificaciones del teléfono las gestiona el sistema.";
    notify_phone_ok => "Notifications are on: reminders arrive at their time.", "Las notificaciones están activadas: los recordatorios llegan a su hora.";
    notify_off => "Notifications are off for Aftercare, so reminders only wait in the list on Today. Turn them on to be reminded of your check-in and of when the stockings come off.", "Las notificaciones de Aftercare están desactivadas, así que los recordatorios solo esperan en la lista de Hoy. Actívelas para que le recordemos el registro y cuándo quitarse las medias.";
    notify_inexact => "Notifications are on, but the phone may deliver them some minutes late to save battery. Allow exact reminders to get them on the minute.", "Las notificaciones están activadas, pero el teléfono puede entregarlas unos minutos tarde para ahorrar batería. Permita los recordatorios exactos para recibirlos a su hora.";
    notify_allow => "Turn on notifications", "Activar las notificaciones";
    notify_exact => "Allow exact reminders", "Permitir recordatorios exactos";
    channel_name => "Reminders", "Recordatorios";
    channel_description => "Check-in, stockings off and result-photo reminders", "Recordatorios del registro, de quitarse las medias y de las fotos del resultado";
    notify_server_ok => "Notification service found: {name}.", "Servicio de notificaciones encontrado: {name}.";
    notify_server_missing => "No notification service answered; reminders will wait in the list on Today.", "No respondió ningún servicio de notificaciones; los recordatorios esperarán en la lista de Hoy.";
    background_label => "Remind me while Aftercare is closed", "Recordarme aunque Aftercare esté cerrada";
    background_hint => "Installs a small timer for your user (systemd) that checks every five minutes.", "Instala un pequeño temporizador de su usuario (systemd) que comprueba cada cinco minutos.";
    background_on => "Reminders will now arrive while Aftercare is closed.", "Los recordatorios llegarán también con Aftercare cerrada.";
    background_off => "Reminders now arrive only while Aftercare is open.", "Los recordatorios llegarán solo con Aftercare abierta.";
    test_reminder => "Send a test reminder", "Enviar un recordatorio de prueba";
    test_reminder_sent => "Test reminder sent: it should appear now.", "Recordatorio de prueba enviado: debería aparecer ahora.";
    test_reminder_none => "notifications cannot be shown here", "aquí no se pueden mostrar notificaciones";
    settings_clinic => "Clinic contact", "Contacto de la clínica";
    settings_clinic_for => "For the session of {date}", "Para la sesión del {date}";
    clinic_save => "Save clinic contact", "Guardar contacto";
    clinic_saved => "Clinic contact saved.", "Contacto guardado.";
    settings_data => "Your data", "Sus datos";
    backup_save => "Save a backup file", "Guardar una copia de seguridad";
    restore_pick => "Restore from a backup file", "Restaurar desde una copia";
    restore_preview => "This backup was made on {date} at {time}. Restoring it replaces everything here now:", "Esta copia se hizo el {date} a las {time}. Restaurarla sustituye todo lo que hay ahora:";
    restore_sessions => "Sessions: {now} here now, {then} in the backup", "Sesiones: {now} ahora, {then} en la copia";
    restore_checkins => "Check-ins: {now} here now, {then} in the backup", "Registros: {now} ahora, {then} en la copia";
    restore_photos => "Photo entries: {now} here now, {then} in the backup (a backup holds the entries, not the images)", "Fotos registradas: {now} ahora, {then} en la copia (la copia guarda los registros, no las imágenes)";
    restore_settings => "Your settings (reminder times, quiet hours, language, clock) and the log of reminders already shown are replaced by the backup's.", "Sus ajustes (horas de los avisos, horas de silencio, idioma, reloj) y el registro de avisos ya mostrados se sustituyen por los de la copia.";
    restore_confirm => "Replace with this backup", "Sustituir por esta copia";
    restore_done => "Backup restored.", "Copia restaurada.";
    delete_all => "Delete all my data", "Borrar todos mis datos";
    delete_confirm_text => "This deletes every session, check-in and setting on this device. It cannot be undone. Save a backup first if you may need it.", "Esto borra todas las sesiones, registros y ajustes de este dispositivo. No se puede deshacer. Guarde antes una copia si puede necesitarla.";
    delete_confirm => "Yes, delete everything", "Sí, borrar todo";
    delete_done => "All data deleted.", "Se han borrado todos los datos.";

    share_title => "Share with your clinic", "Compartir con su clínica";
    share_body => "Nothing leaves this device unless you share it. Choose what to include, look at the preview, then save or send one of the files.", "Nada sale de este dispositivo salvo que usted lo comparta. Elija qué incluir, revise la vista previa y luego guarde o envíe uno de los archivos.";
    share_sessions => "Sessions", "Sesiones";
    share_session_label => "Session of {date}", "Sesión del {date}";
    share_include => "Include", "Incluir";
    share_notes => "My notes", "Mis notas";
    share_symptoms => "Symptoms I reported", "Los síntomas que comuniqué";
    share_files => "Files", "Archivos";
    share_pdf => "PDF report (to read or print)", "Informe PDF (para leer o imprimir)";
    share_csv => "Table (CSV, for spreadsheets)", "Tabla (CSV, para hojas de cálculo)";
    share_fhir => "FHIR R4 file (for clinic systems)", "Archivo FHIR R4 (para sistemas clínicos)";
    share_ics => "Calendar file (.ics) with the reminders", "Archivo de calendario (.ics) con los recordatorios";
    share_backup => "Full backup (everything, to restore later)", "Copia completa (todo, para restaurar después)";
    share_saved => "Saved {name} to {place}.", "{name} guardado en {place}.";
    share_missing_glyphs => "Some characters have no font on this device and show as empty boxes in the report: {chars}", "Algunos caracteres no tienen fuente en este dispositivo y aparecen como cuadros vacíos en el informe: {chars}";
    share_opened => "Opened the share sheet for {name}.", "Se abrió el menú para compartir {name}.";
    share_preview => "Preview of the report", "Vista previa del informe";
    share_pick_one => "Choose at least one session to share.", "Elija al menos una sesión para compartir.";
    photos_intro => "Photos stay on this device, in Aftercare's private folder, until you share them. Location and camera details are removed when a photo is saved.", "Las fotos se quedan en este dispositivo, en la carpeta privada de Aftercare, hasta que usted las comparta. Al guardarlas se quitan la ubicación y los datos de la cámara.";
    photos_guide_title => "How to take them", "Cómo hacerlas";
    photos_guide => "About 1 m (3 ft) away, the camera at the height of the area. Daylight from a window, no flash. The same place, pose and side each time, so before and after match.", "A 1 m de distancia, con la cámara a la altura de la zona. Luz de día de una ventana, sin flash. El mismo lugar, la misma postura y el mismo lado cada vez, para que el antes y el después coincidan.";
    photo_guide_front => "Stand facing the camera, weight on both feet.", "De pie, de frente a la cámara, con el peso en los dos pies.";
    photo_guide_back => "Stand with your back to the camera; ask someone to help or use the timer.", "De pie, de espaldas a la cámara; pida ayuda a alguien o use el temporizador.";
    photo_guide_knee => "Stand facing the camera with the knee straight.", "De pie, de frente a la cámara, con la rodilla estirada.";
    photo_guide_ankle => "Show the inner and outer side of the ankle, foot flat on the floor.", "Muestre la cara interna y externa del tobillo, con el pie apoyado en el suelo.";
    photo_baseline => "Before (baseline)", "Antes (referencia)";
    photo_result => "Result (3 months)", "Resultado (3 meses)";
    photo_add => "Add photo", "Añadir foto";
    photo_take => "Take photo", "Hacer foto";
    photo_choose => "Choose a photo", "Elegir una foto";
    photo_drop => "or drop a JPEG or PNG file here", "o suelte aquí un archivo JPEG o PNG";
    photo_match => "Match your baseline from {date}:", "Iguale su foto de referencia del {date}:";
    photo_none => "No photo yet", "Todavía no hay foto";
    photo_taken => "Taken {date}", "Tomada el {date}";
    photo_delete => "Delete photo", "Borrar foto";
    photo_delete_confirm => "Delete this photo? Its file is removed from this device.", "¿Borrar esta foto? Su archivo se elimina de este dispositivo.";
    photo_saved => "Photo saved, without location or camera details.", "Foto guardada, sin ubicación ni datos de la cámara.";
    photo_deleted => "Photo deleted.", "Foto borrada.";
    photo_dismiss => "I won't take result photos", "No haré fotos del resultado";
    photo_reopen => "Remind me about result photos again", "Recordarme de nuevo las fotos del resultado";
    photo_done => "All your result photos are taken. You can share them with your clinic from Share.", "Ya tiene todas las fotos del resultado. Puede compartirlas con su clínica desde Compartir.";
    photo_dismissed => "You chose not to take result photos for this session.", "Eligió no hacer fotos del resultado de esta sesión.";
    photo_missing => "{missing} treated area(s) still need a result photo.", "{missing} zona(s) tratada(s) aún necesitan una foto del resultado.";
    photo_compare => "Before and after", "Antes y después";
    photo_missing_file => "The image file is not on this device.", "El archivo de imagen no está en este dispositivo.";
    photo_session => "Session of {date}", "Sesión del {date}";
    share_photos => "Photos to include in the report and the FHIR file", "Fotos que incluir en el informe y en el archivo FHIR";
    share_no_photos => "No photos yet.", "Todavía no hay fotos.";

    rem_checkin_title => "Time for today's check-in", "Es la hora del registro de hoy";
    rem_checkin_body => "How did the stockings go last night and today? It takes a minute.", "¿Qué tal con las medias anoche y hoy? Es solo un minuto.";
    rem_followup_title => "Yesterday's check-in is open", "El registro de ayer está pendiente";
    rem_followup_body => "You can still record {date} — it helps your clinic.", "Aún puede registrar el {date}; ayuda a su clínica.";
    rem_morning_body => "Keep your stockings on today.", "Hoy, mantenga puestas las medias.";
    rem_heads_up_title => "Stockings off tomorrow", "Mañana se quita las medias";
    rem_heads_up_body => "Your stockings can come off tomorrow at {time}.", "Mañana a las {time} podrá quitarse las medias.";
    rem_off_title => "Your stockings can come off", "Ya puede quitarse las medias";
    rem_off_body => "Well done — you have finished your compression plan.", "¡Bien hecho! Ha terminado su plan de compresión.";
    rem_photo_title => "Time for your result photos", "Es el momento de las fotos del resultado";
    rem_photo_body => "Three months have passed: take photos of your treated areas, the same way as before.", "Han pasado tres meses: fotografíe las zonas tratadas igual que la primera vez.";
    rem_photo_followup_title => "Your result photos are still open", "Las fotos del resultado siguen pendientes";
    rem_photo_followup_body => "Take them when you can, or dismiss the reminder in the app.", "Hágalas cuando pueda o descarte el recordatorio en la aplicación.";
    rem_pre_title => "Your treatment is on {date}", "Su tratamiento es el {date}";
    rem_pre_body => "Still to do: {items}.", "Pendiente: {items}.";
    rem_test_title => "Test reminder from Aftercare", "Recordatorio de prueba de Aftercare";
    rem_test_body => "Reminders reach you here. Tap to open the app.", "Los recordatorios le llegarán así. Toque para abrir la aplicación.";
    rem_open => "Open", "Abrir";

    ics_wear_summary => "Compression stockings on ({days} days)", "Medias de compresión puestas ({days} días)";
    pdf_title => "Compression report", "Informe de compresión";
    pdf_session => "Session of {date}", "Sesión del {date}";
    pdf_made => "Made with Aftercare on {date} at {time} ({zone}). Everything here was recorded by the patient.", "Hecho con Aftercare el {date} a las {time} ({zone}). Todo lo que figura aquí lo registró el paciente.";
    pdf_treatment => "Treatment", "Tratamiento";
    pdf_ended => "Session ended", "Fin de la sesión";
    pdf_areas => "Treated areas", "Zonas tratadas";
    pdf_sclerosant => "Sclerosant", "Esclerosante";
    pdf_stockings => "Stockings", "Medias";
    pdf_clinic => "Clinic", "Clínica";
    pdf_plan => "Compression plan", "Plan de compresión";
    pdf_wear_start => "Stockings on", "Medias puestas";
    pdf_wear_end => "Can come off", "Se pueden quitar";
    pdf_days => "{days} days", "{days} días";
    pdf_adherence => "Days covered (dates that have passed)", "Días cubiertos (fechas ya pasadas)";
    pdf_day_wear => "Day wear", "De día";
    pdf_night_wear => "Night wear", "De noche";
    pdf_covered => "{covered} of {dates} dates ({pct} %)", "{covered} de {dates} fechas ({pct} %)";
    pdf_no_dates => "no dates yet", "aún sin fechas";
    pdf_col_date => "Date", "Fecha";
    pdf_col_day => "Day", "Día";
    pdf_col_state => "State", "Estado";
    pdf_col_night => "Night", "Noche";
    pdf_col_daytime => "Daytime", "De día";
    pdf_col_off => "Off (min, why)", "Sin medias (min, motivo)";
    pdf_col_walk => "Walk min", "Paseo min";
    pdf_col_symptoms => "Symptoms", "Síntomas";
    pdf_col_marks => "Marks", "Marcas";
    pdf_worn => "worn", "puestas";
    pdf_partial => "partly", "en parte";
    pdf_not_worn => "not worn", "no puestas";
    pdf_late => "late", "tarde";
    pdf_edited => "edited", "editado";
    pdf_legend => "Late: recorded after noon of the next day. Edited: changed after it was first recorded; the earlier versions are kept.", "Tarde: registrado después del mediodía del día siguiente. Editado: cambiado después del primer registro; se conservan las versiones anteriores.";
    pdf_red_flags => "Red flags reported", "Señales de alarma comunicadas";
    pdf_none => "None reported.", "No se comunicó ninguna.";
    pdf_symptoms_withheld => "The patient chose not to include symptoms.", "El paciente eligió no incluir los síntomas.";
    pdf_notes => "Notes", "Notas";
    pdf_no_notes => "No notes.", "Sin notas.";
    pdf_notes_withheld => "The patient chose not to include notes.", "El paciente eligió no incluir las notas.";
    pdf_photos => "Photos", "Fotos";
    pdf_photo_caption => "{area} · {kind} · {date}", "{area} · {kind} · {date}";
    pdf_footer => "Aftercare · recorded by the patient · page {page} of {pages}", "Aftercare · registrado por el paciente · página {page} de {pages}";

    recovery_title => "Your data needs repair", "Sus datos necesitan reparación";
    recovery_button => "Restore from automatic backup", "Restaurar desde la copia automática";
    problem_title => "Aftercare cannot open your data", "Aftercare no puede abrir sus datos";
}

impl Texts {
    /// The weekday's full name.
    pub fn weekday(&self, d: Weekday) -> &'static str {
        match d {
            Weekday::Mon => self.mon,
            Weekday::Tue => self.tue,
            Weekday::Wed => self.wed,
            Weekday::Thu => self.thu,
            Weekday::Fri => self.fri,
            Weekday::Sat => self.sat,
            Weekday::Sun => self.sun,
        }
    }

    /// The month's full name (1 = January).
    pub fn month(&self, m: u32) -> &'static str {
        [
            self.jan, self.feb, self.mar, self.apr, self.may, self.jun, self.jul, self.aug,
            self.sep, self.oct, self.nov, self.dec,
        ][(m.clamp(1, 12) - 1) as usize]
    }

    /// A symptom in plain language.
    pub fn symptom(&self, s: Symptom) -> &'static str {
        match s {
            Symptom::Bruising => self.sym_bruising,
            Symptom::Itching => self.sym_itching,
            Symptom::Redness => self.sym_redness,
            Symptom::Tenderness => self.sym_tenderness,
            Symptom::SmallLumps => self.sym_small_lumps,
            Symptom::BrownMarks => self.sym_brown_marks,
            Symptom::OneLegPainSwelling => self.sym_one_leg,
            Symptom::SkinSore => self.sym_skin_sore,
            Symptom::ToesColdNumb => self.sym_toes,
            Symptom::ChestPain => self.sym_chest_pain,
            Symptom::SuddenBreathlessness => self.sym_breathless,
            Symptom::CoughingBlood => self.sym_coughing_blood,
            Symptom::FaceSwelling => self.sym_face_swelling,
            Symptom::VisionSpeechChange => self.sym_vision_speech,
            Symptom::DizzyFaint => self.sym_dizzy_faint,
            Symptom::OneSidedWeakness => self.sym_one_sided,
            Symptom::InjectionSiteInfection => self.sym_infection,
            Symptom::Blisters => self.sym_blisters,
        }
    }

    /// What to do for one piece of advice (PRODUCT.md wording), with the region's
    /// emergency number and urgent line.
    pub fn advice(&self, advice: Advice, number: &EmergencyNumber) -> String {
        match advice {
            Advice::CallEmergency if number.known => {
                fill(self.advisory_emergency_body, &[("number", &number.number)])
            }
            Advice::CallEmergency => fill(
                self.advisory_emergency_body_unknown,
                &[("number", &number.number)],
            ),
            Advice::ClinicNow if number.urgent_line.is_some() => {
                self.advisory_clot_body_nhs.to_string()
            }
            Advice::ClinicNow => self.advisory_clot_body.to_string(),
            Advice::LoosenStocking => self.advisory_tight_body.to_string(),
            Advice::ClinicToday => self.advisory_urgent_body.to_string(),
            Advice::Expected => self.advisory_expected.to_string(),
        }
    }

    /// The advisory's title for the most serious level of its symptoms.
    pub fn advisory_title(&self, level: Triage) -> &'static str {
        match level {
            Triage::Emergency => self.advisory_emergency_title,
            Triage::UrgentNow => self.advisory_urgent_now_title,
            Triage::Urgent | Triage::Expected => self.advisory_urgent_title,
        }
    }

    /// Why the stockings came off.
    pub fn reason(&self, r: RemovalReason) -> &'static str {
        match r {
            RemovalReason::Shower => self.reason_shower,
            RemovalReason::SkinCare => self.reason_skin_care,
            RemovalReason::TooTight => self.reason_too_tight,
            RemovalReason::Itching => self.reason_itching,
            RemovalReason::Pain => self.reason_pain,
            RemovalReason::Other => self.reason_other,
        }
    }

    /// A date's adherence state.
    pub fn date_state(&self, s: DateState) -> &'static str {
        match s {
            DateState::Complete => self.state_complete,
            DateState::Partial => self.state_partial,
            DateState::Missed => self.state_missed,
            DateState::NotRecorded => self.state_not_recorded,
            DateState::Upcoming => self.state_upcoming,
        }
    }

    /// A check-in question.
    pub fn question(&self, q: Question) -> &'static str {
        match q {
            Question::Night => self.question_night,
            Question::Day => self.question_day,
        }
    }

    /// The advice for a wear phase.
    pub fn phase(&self, w: WearMode) -> &'static str {
        match w {
            WearMode::Continuous => self.phase_continuous,
            WearMode::Daytime => self.phase_daytime,
        }
    }

    /// "Before (baseline)" or "Result (3 months)".
    pub fn photo_kind(&self, k: crate::domain::photo::PhotoKind) -> &'static str {
        match k {
            crate::domain::photo::PhotoKind::Baseline => self.photo_baseline,
            crate::domain::photo::PhotoKind::Result => self.photo_result,
        }
    }

    /// How to pose for a photo of `a`.
    pub fn photo_guide(&self, a: TreatedArea) -> &'static str {
        match a.region {
            LegRegion::ThighFront | LegRegion::CalfFront => self.photo_guide_front,
            LegRegion::ThighBack | LegRegion::CalfBack => self.photo_guide_back,
            LegRegion::Knee => self.photo_guide_knee,
            LegRegion::Ankle => self.photo_guide_ankle,
        }
    }

    /// A pre-treatment checklist item.
    pub fn checklist(&self, item: ChecklistItem) -> &'static str {
        match item {
            ChecklistItem::Measured => self.checklist_measured,
            ChecklistItem::Ordered => self.checklist_ordered,
            ChecklistItem::Ready => self.checklist_ready,
        }
    }

    /// A treated area, "Left calf, front".
    pub fn area(&self, a: TreatedArea) -> String {
        let side = match a.side {
            Side::Left => self.side_left,
            Side::Right => self.side_right,
        };
        let region = match a.region {
            LegRegion::ThighFront => self.region_thigh_front,
            LegRegion::ThighBack => self.region_thigh_back,
            LegRegion::Knee => self.region_knee,
            LegRegion::CalfFront => self.region_calf_front,
            LegRegion::CalfBack => self.region_calf_back,
            LegRegion::Ankle => self.region_ankle,
        };
        format!("{side}: {region}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_translated_with_the_same_placeholders() {
        for (key, en, es) in ENTRIES {
            assert!(
                !en.trim().is_empty() && !es.trim().is_empty(),
                "{key} is empty"
            );
            let mut a = placeholders(en);
            let mut b = placeholders(es);
            a.sort();
            b.sort();
            assert_eq!(a, b, "{key}: placeholders differ");
        }
    }

    #[test]
    fn dates_and_times_follow_the_locale() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let t = NaiveTime::from_hms_opt(15, 30, 0).unwrap();
        let en = Locale::choose(None, None, "en-GB");
        let es = Locale::choose(None, None, "es_ES.UTF-8");
        let us = Locale::choose(None, None, "en_US.UTF-8");
        assert_eq!(en.date_long(d), "Friday, 4 December 2026");
        assert_eq!(es.date_long(d), "viernes, 4 de diciembre de 2026");
        assert_eq!(es.date_short(d), "vie 4 dic");
        assert_eq!(en.time(t), "15:30");
        assert_eq!(us.time(t), "3:30 PM");
        assert_eq!(
            Locale::choose(Some("es"), Some(false), "en-US").time(t),
            "3:30 p. m."
        );
        assert_eq!(Locale::choose(None, None, "fr-FR").lang, Lang::En);
        assert_eq!(Locale::choose(Some("en"), None, "es-MX").lang, Lang::En);
    }
}
