package dev.jfaas.cli;

/** A failure the user can act on, printed as one line on stderr with a non-zero exit. */
final class CliError extends RuntimeException {

    CliError(String message) {
        super(message, null, false, false);
    }

    static CliError fromResponse(int status, String body) {
        var text = body == null ? "" : body.strip();
        if (status == 401) {
            return new CliError("unauthorized (401): run 'jfaas login' with the gateway's password");
        }
        return new CliError("the gateway answered " + status + (text.isEmpty() ? "" : ": " + text.lines().findFirst().orElse("")));
    }
}
