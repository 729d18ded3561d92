package dev.jfaas.provider.process;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.images.ImageException;
import dev.jfaas.images.ImageSettings;
import dev.jfaas.images.ImageStore;
import dev.jfaas.images.StoredImage;
import dev.jfaas.sandbox.View;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides at deploy where a function runs from: the directory its {@code image} names on the
 * host; the image itself, from the store (pulled first when a registry has it); or, when the image
 * is nowhere and the deployment gives an {@code fprocess}, the host's root, said once in the log
 * and in the function's status ({@code JFAAS_IMAGES=strict} refuses instead).
 */
final class FunctionRoots {

    private static final Logger log = LoggerFactory.getLogger(FunctionRoots.class);

    /** Annotation: {@code image} runs the image's own command as its watchdog, {@code jfaas} makes jfaas the watchdog. */
    static final String WATCHDOG_ANNOTATION = "com.jfaas.watchdog";
    /** Where an OpenFaaS watchdog listens. */
    static final int WATCHDOG_PORT = 8080;

    /**
     * @param image        the image run, or null
     * @param note         what the status should say about the root (e.g. that the image was not found), or null
     * @param watchdogPort the port the image's own watchdog serves on, in a network of its own, or 0
     *                     when jfaas is the watchdog
     */
    record Root(View view, Map<String, String> imageEnv, StoredImage image, String note, int watchdogPort) {}

    private final ImageStore images;
    private final boolean strict;
    private final ImageSettings.Pull pullPolicy;

    FunctionRoots(ImageStore images, boolean strict, ImageSettings.Pull pullPolicy) {
        this.images = images;
        this.strict = strict;
        this.pullPolicy = pullPolicy;
    }

    Root resolve(FunctionDeployment deployment, boolean pull) {
        boolean readOnly = Boolean.TRUE.equals(deployment.readOnlyRootFilesystem());
        var dir = FunctionDirectory.of(deployment.image());
        if (dir != null) {
            return new Root(new View.Host(dir, readOnly), Map.of(), null, null, 0);
        }
        var found = images.find(deployment.image());
        String why = "not in the image store";
        boolean pulls = pull && !ImageSettings.local(deployment.image()) && switch (pullPolicy) {
            case IF_NOT_PRESENT -> found.isEmpty();
            case ALWAYS -> true;
            case NEVER -> false;
        };
        if (pulls) {
            try {
                found = java.util.Optional.of(images.pull(deployment.image()));
            } catch (ImageException | IllegalArgumentException e) {
                if (found.isPresent()) {
                    log.warn("function {}: image {} not pulled again, the stored one runs: {}", deployment.service(),
                            deployment.image(), shortly(e.getMessage()));
                } else {
                    why = "not in the image store, and not pulled: " + shortly(e.getMessage());
                }
            }
        } else if (found.isEmpty() && pull) {
            why = ImageSettings.local(deployment.image()) ? "not in the image store; local/ names are never pulled"
                    : "not in the image store; JFAAS_IMAGE_PULL=never";
        }
        if (found.isPresent()) {
            var image = found.get();
            var rootfs = images.root(image);
            var user = user(rootfs, image.config().user());
            var choice = deployment.annotations().getOrDefault(WATCHDOG_ANNOTATION, "");
            if (!choice.isEmpty() && !choice.equals("image") && !choice.equals("jfaas")) {
                throw RequestRejected.invalid("invalid " + WATCHDOG_ANNOTATION + " \"" + choice + "\": use image or jfaas");
            }
            boolean ownWatchdog = choice.equals("image") || (choice.isEmpty() && image.config().runsWatchdog());
            if (ownWatchdog && image.config().command().isEmpty()) {
                throw RequestRejected.invalid("image " + image.name() + " has no entrypoint or command to run as its watchdog");
            }
            return new Root(new View.Image(rootfs, image.config().workingDir(), user[0], user[1]), image.config().env(), image,
                    null, ownWatchdog ? WATCHDOG_PORT : 0);
        }
        boolean hasProcess = deployment.envProcess() != null && !deployment.envProcess().isBlank()
                || deployment.envVars().containsKey("fprocess");
        if (strict || !hasProcess) {
            throw RequestRejected.invalid("image not found: " + deployment.image() + " (" + why + ")"
                    + (strict ? "; JFAAS_IMAGES=strict" : "; import it with jfaas image import, or give an fprocess to run on the host"));
        }
        var note = "image " + deployment.image() + " not found (" + why + "): fprocess runs on the host's root";
        log.info("function {}: {}", deployment.service(), note);
        return new Root(new View.Host(null, readOnly), Map.of(), null, note, 0);
    }

    /** skopeo's message without its log decoration: the part after msg=, unquoted. */
    private static String shortly(String message) {
        int at = message.indexOf("msg=\"");
        var text = at < 0 ? message : message.substring(at + 5).replaceFirst("\"$", "");
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** The image's USER as uid and gid: numbers, or names looked up in its own /etc/passwd and /etc/group. */
    static int[] user(Path rootfs, String user) {
        if (user == null || user.isBlank()) {
            return new int[] {0, 0};
        }
        var parts = user.split(":", 2);
        int uid = id(rootfs.resolve("etc/passwd"), parts[0], 2);
        int gid = parts.length > 1 ? id(rootfs.resolve("etc/group"), parts[1], 2)
                : primaryGroup(rootfs.resolve("etc/passwd"), parts[0], uid);
        return new int[] {uid, gid};
    }

    private static int id(Path file, String nameOrNumber, int field) {
        if (nameOrNumber.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(nameOrNumber);
        }
        try {
            for (var line : Files.readAllLines(file)) {
                var fields = line.split(":");
                if (fields.length > field && fields[0].equals(nameOrNumber)) {
                    return Integer.parseInt(fields[field]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // reported below
        }
        throw RequestRejected.invalid("the image's user " + nameOrNumber + " is not in its " + file.getFileName());
    }

    private static int primaryGroup(Path passwd, String user, int uid) {
        try {
            for (var line : Files.readAllLines(passwd)) {
                var fields = line.split(":");
                if (fields.length > 3 && (fields[0].equals(user) || fields[2].equals(Integer.toString(uid)))) {
                    return Integer.parseInt(fields[3]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no passwd: the gid is the uid
        }
        return uid;
    }
}
