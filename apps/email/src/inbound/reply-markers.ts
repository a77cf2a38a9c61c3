/**
 * @module inbound/reply-markers — the lines mail programs write around quoted history, in the
 * languages our customers write (en, ru, de, fr, es, it, pt, nl, pl, da, no, sv, fi): attributions
 * ("On … wrote:"), Outlook header blocks ("From:/Sent:"), original-message separators and forward
 * markers. Each pattern is modelled on what a real client writes (see the corpus tests).
 */

// Verbs of "X wrote" in attributions: Gmail, Apple Mail, Thunderbird, Outlook, Yahoo, mail.ru.
const WROTE =
  /(?:^|[\s,)>])(wrote|writes|a [ée]crit|schrieb|schreef|geschreven|escribi[óo]|ha scritto|scrisse|escreveu|napisa[łl]\(a\)|napisa[łl]a|napisa[łl]|pisze|skrev|skrivit|kirjoitti|пишет|написал\(а\)|написала|написал|写道)(?=[\s:]|$)/iu;
// Address right before the closing colon: Gmail in Russian (`ср, 30 апр. 2025 г. в 15:19, Name <addr>:`),
// Yandex (`30.04.2025, 15:19, "Name" <addr>:`), mail.ru (`… 15:19 +03:00 от Name <addr>:`).
const ADDRESS_THEN_COLON = /(<[^<>\s]+@[^<>\s]+>|\([^()\s]+@[^()\s]+\)|[^\s<>()]+@[^\s<>()]+)\s*:\s*$/u;
const DATE_OR_TIME = /\d{1,2}[:.]\d{2}|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\b(19|20)\d{2}\b/u;

/**
 * Number of lines (1–3) from `index` that form an attribution line such as "On …, Name <addr>
 * wrote:", possibly wrapped by the sender's program; 0 when there is none.
 */
export function attributionAt(lines: readonly string[], index: number): number {
  let joined = "";
  let rest = "";
  for (let n = 1; n <= 3 && index + n <= lines.length; n++) {
    const line = (lines[index + n - 1] ?? "").trim();
    if (line === "" || line.startsWith(">")) return 0;
    joined = n === 1 ? line : `${joined} ${line}`;
    rest = n === 1 ? "" : rest ? `${rest} ${line}` : line;
    if (joined.length > 400) return 0;
    // "Hi," above "On …, Name <addr> wrote:" is the customer's line, not the attribution's first half.
    if (n > 1 && (!WRAPPED_START.test(lines[index] ?? "") || (OPENER.test(rest) && isAttribution(rest)))) return 0;
    if (isAttribution(joined)) return n;
  }
  return 0;
}

// How attributions begin: an opening word, or a weekday or date (Gmail in ru, fi, no; Yandex).
const OPENER = /^\s*((On|Le|Am|El|Il|Em|Op|W dniu|Dnia|Den|På)\s|\p{L}{2,3}[.,]?\s+\d|\d)/iu;
// The first line of a wrapped attribution: an opening, or at least a date or an address.
const WRAPPED_START = /\d|@|^\s*(On|Le|Am|El|Il|Em|Op|W dniu|Dnia|Den|På)\s/iu;

function isAttribution(text: string): boolean {
  if (!/:\s*$/u.test(text)) return false;
  if (!DATE_OR_TIME.test(text) && !text.includes("@")) return false;
  if (WROTE.test(text)) return true;
  // Verb-less attributions always carry both a time and an address.
  return ADDRESS_THEN_COLON.test(text) && /\d{1,2}[:.]\d{2}/u.test(text);
}

const FROM_LABEL =
  /^\s*\*?(From|Von|De|Da|Van|Fra|Från|Od|Lähettäjä|От|Від|Afzender|Remetente|Mittente|Expéditeur|Absender|Avsändare|Avsender|Nadawca)\s*:\*?\s*\S/iu;
const OTHER_LABEL =
  /^\s*\*?(Sent|Date|To|Subject|Cc|Gesendet|Datum|An|Betreff|Envoyé|Envoyé le|À|A|Objet|Enviado|Enviada|Enviado el|Fecha|Para|Asunto|Inviato|Data|Oggetto|Assunto|Verzonden|Aan|Onderwerp|Wysłano|Wysłane|Do|Temat|Sendt|Til|Emne|Skickat|Till|Ämne|Lähetetty|Päivämäärä|Vastaanottaja|Aihe|Отправлено|Дата|Кому|Тема|Копия)\s*:\*?(\s|$)/iu;

/**
 * True when an Outlook-style header block starts at `index`: consecutive label lines, one of them
 * `From:`, with at least one other (`Sent:`/`To:`/`Subject:` …). GMX and Web.de put `Gesendet:` first.
 */
export function headerBlockAt(lines: readonly string[], index: number): boolean {
  let from = false;
  let other = false;
  for (let i = index; i < index + 6 && i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (FROM_LABEL.test(line)) from = true;
    else if (OTHER_LABEL.test(line)) other = true;
    else break;
    if (
      i === index &&
      !from &&
      !/^\s*\*?(Sent|Gesendet|Date|Datum|Envoyé|Enviado|Inviato|Verzonden|Wysłano|Sendt|Skickat|Lähetetty|Отправлено|Дата)\s*:/iu.test(
        line,
      )
    )
      return false;
  }
  return from && other;
}

const SEPARATOR =
  /^\s*-{2,}\s*(Original Message|Reply Message|Ursprüngliche Nachricht|Originalnachricht|Original-Nachricht|Antwort Nachricht|Message d'origine|Mensaje original|Messaggio originale|Mensagem original|Mensagem Original|Oorspronkelijk bericht|Origineel bericht|Wiadomość oryginalna|Oryginalna wiadomość|Oprindelig meddelelse|Opprinnelig melding|Ursprungligt meddelande|Alkuperäinen viesti|Исходное сообщение|Оригинальное сообщение)\s*-{2,}\s*$/iu;

/** True for an "-----Original Message-----"-style separator, or Outlook's underscore rule before a header block. */
export function separatorAt(lines: readonly string[], index: number): boolean {
  const line = lines[index] ?? "";
  if (SEPARATOR.test(line)) return true;
  return /^\s*_{20,}\s*$/u.test(line) && headerBlockAt(lines, index + 1);
}

const FORWARD_RULE =
  /^\s*-{3,}\s*(Forwarded message|Forwarded Message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Messaggio inoltrato|Mensagem encaminhada|Mensagem reencaminhada|Doorgestuurd bericht|Wiadomość przekazana dalej|Przekazana wiadomość|Videresendt meddelelse|Videresendt melding|Vidarebefordrat meddelande|Välitetty viesti|Пересылаемое сообщение|Пересланное сообщение)\s*-{3,}\s*$/iu;
const FORWARD_INTRO =
  /^\s*(Begin forwarded message|Anfang der weitergeleiteten Nachricht|Début du message réexpédié|Début du message transféré|Inicio del mensaje reenviado|Comienzo del mensaje reenviado|Inizio messaggio inoltrato|Início da mensagem reencaminhada|Início da mensagem encaminhada|Begin van doorgestuurd bericht|Doorgestuurd bericht|Początek przekazywanej wiadomości|Videresendt besked|Videresendt melding|Vidarebefordrat brev|Välitetty viesti alkaa|Начало переадресованного сообщения|Начало пересылаемого сообщения)\s*:\s*$/iu;

/** True for a line that introduces a forwarded message (Gmail, Apple Mail, Thunderbird, Yandex, mail.ru). */
export function isForwardMarker(line: string): boolean {
  return FORWARD_RULE.test(line) || FORWARD_INTRO.test(line);
}

// Forward prefixes: Fwd/Fw (en and most clients), WG (de), TR (fr), RV (es), I (it), ENC (pt),
// Doorst (nl), PD (pl), VS (da/no; also Finnish for "reply": keeping a reply's history loses nothing), VB (sv), VL (fi), Пересл (ru).
const FORWARD_SUBJECT = /^\s*(fwd?|fw|wg|tr|rv|i|enc|doorst|pd|vs|vb|vl|пересл|переслать)\s*:/iu;

/** True when the subject says the mail is a forward. */
export function isForwardSubject(subject: string | undefined): boolean {
  return FORWARD_SUBJECT.test(subject ?? "");
}
