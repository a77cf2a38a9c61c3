/**
 * @module fake-bitrix24/rest-error — the portal's error answers: `{error, error_description}` with the
 * HTTP status Bitrix24 documents for each code.
 */

/** A REST error the fake answers with (thrown by method handlers, caught by the endpoint). */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
    this.name = "RestError";
  }

  /** The documented body. */
  body(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

/** `400 ERROR_ARGUMENT` "Argument 'X' is null or empty". */
export const missingArgument = (name: string): RestError =>
  new RestError(400, "ERROR_ARGUMENT", `Argument '${name}' is null or empty`);

/** `400 ERROR_ARGUMENT` for an argument of the wrong type. */
export const argumentNotArray = (name: string): RestError =>
  new RestError(400, "ERROR_ARGUMENT", `The value of an argument '${name}' must be of type array`);

/** `400 NOT_ACTIVE_LINE`. */
export const notActiveLine = (): RestError =>
  new RestError(400, "NOT_ACTIVE_LINE", "The line with this ID is inactive or does not exist");

/** `400 IMCONNECTOR_NO_CORRECT_PROVIDER` (the connector is not registered on the portal). */
export const noProvider = (): RestError =>
  new RestError(400, "IMCONNECTOR_NO_CORRECT_PROVIDER", "Failed to find a suitable provider for the connector");

/** `403 WRONG_AUTH_TYPE`: an app-only method called without the app's OAuth context (a webhook). */
export const wrongAuthType = (): RestError =>
  new RestError(
    403,
    "WRONG_AUTH_TYPE",
    "Current authorization type is denied for this method Application context required",
  );

/** `401 expired_token`. */
export const expiredToken = (): RestError =>
  new RestError(401, "expired_token", "The access token provided has expired.");

/** `401 NO_AUTH_FOUND`: no `auth`, or a token (webhook code) the portal never issued or revoked. */
export const noAuthFound = (): RestError => new RestError(401, "NO_AUTH_FOUND", "Wrong authorization data");

/** `403 insufficient_scope`. */
export const insufficientScope = (): RestError =>
  new RestError(403, "insufficient_scope", "The request requires higher privileges than provided by the access token");

/** `503 QUERY_LIMIT_EXCEEDED`. */
export const queryLimitExceeded = (): RestError => new RestError(503, "QUERY_LIMIT_EXCEEDED", "Too many requests");

/** `429 OPERATION_TIME_LIMIT`. */
export const operationTimeLimit = (): RestError =>
  new RestError(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.");

/** `404 ERROR_METHOD_NOT_FOUND`. */
export const methodNotFound = (): RestError => new RestError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
