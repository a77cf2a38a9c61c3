/**
 * @module send/smtp-failure — fixed, readable texts for SMTP connection failures, in English and
 * Russian (the settings check shows them in the CRM's language; send errors use the English). The
 * peer's own words (a greeting, a banner) are never repeated: a settings form must not become a
 * way to read what answers on some host and port.
 */

/** The fields nodemailer sets on the errors it throws. */
export interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  /** The server's reply line(s), when the failure is an SMTP answer. */
  response?: string;
  command?: string;
}

/** A fixed failure text in both languages the gateway speaks. */
export interface FailureText {
  en_US: string;
  ru_RU: string;
}

/** Text shown when the server offers no STARTTLS and the tenant did not allow unencrypted connections. */
export const NO_STARTTLS_TEXT: FailureText = {
  en_US:
    'The SMTP server does not offer encryption (STARTTLS). Turn on implicit TLS if it uses port 465, or tick "Allow unencrypted connection"',
  ru_RU:
    "SMTP-сервер не предлагает шифрование (STARTTLS). Включите TLS с самого начала, если он работает на порту 465, или отметьте «Разрешить незашифрованное соединение»",
};

const NO_ANSWER: FailureText = {
  en_US: "The SMTP server did not answer in time",
  ru_RU: "SMTP-сервер не ответил вовремя",
};

/** The failure of an SMTP connection, login or command as one fixed sentence (with the SMTP reply code, if any). */
export function smtpFailureText(error: unknown): FailureText {
  const e = (error ?? {}) as NodemailerError;
  const code = typeof e.responseCode === "number" ? ` (SMTP ${e.responseCode})` : "";
  const socket = socketCode(e);
  switch (e.code) {
    case "EAUTH":
      return {
        en_US: `The SMTP server refused the user name or password${code}`,
        ru_RU: `SMTP-сервер не принял имя пользователя или пароль${code}`,
      };
    case "ETLS":
      return e.command === "STARTTLS" || e.command === "EHLO"
        ? NO_STARTTLS_TEXT
        : {
            en_US:
              "The TLS connection to the SMTP server failed: check the port, implicit TLS and the server's certificate",
            ru_RU:
              "Не удалось установить TLS-соединение с SMTP-сервером: проверьте порт, режим TLS и сертификат сервера",
          };
    case "EDNS":
      return {
        en_US: "The SMTP server name could not be resolved",
        ru_RU: "Не удалось найти адрес SMTP-сервера по его имени",
      };
    case "ETIMEDOUT":
      return NO_ANSWER;
    case "EPROTOCOL":
      return {
        en_US: "The server at this address and port does not answer like an SMTP server",
        ru_RU: "Сервер по этому адресу и порту отвечает не как SMTP-сервер",
      };
    default:
      break;
  }
  if (socket === "ECONNREFUSED") {
    return {
      en_US: "Could not connect to the SMTP server: connection refused (ECONNREFUSED)",
      ru_RU: "Не удалось подключиться к SMTP-серверу: соединение отклонено (ECONNREFUSED)",
    };
  }
  if (socket === "ETIMEDOUT") return NO_ANSWER;
  if (socket) {
    return {
      en_US: `Could not connect to the SMTP server (${socket})`,
      ru_RU: `Не удалось подключиться к SMTP-серверу (${socket})`,
    };
  }
  if (e.code === "ECONNECTION" || e.code === "ESOCKET") {
    return e.command === "EHLO"
      ? NO_STARTTLS_TEXT
      : { en_US: `The SMTP server closed the connection${code}`, ru_RU: `SMTP-сервер закрыл соединение${code}` };
  }
  const errno = e.code && /^E[A-Z]+$/.test(e.code) ? ` (${e.code})` : "";
  return { en_US: `The SMTP exchange failed${code}${errno}`, ru_RU: `Обмен с SMTP-сервером не удался${code}${errno}` };
}

/** The operating system's error code of a socket failure (`ECONNREFUSED`…), if this is one. */
function socketCode(e: NodemailerError): string | undefined {
  const match = /\b(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE)\b/.exec(e.message ?? "");
  return match?.[1];
}
