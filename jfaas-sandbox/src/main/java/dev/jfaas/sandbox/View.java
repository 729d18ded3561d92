package dev.jfaas.sandbox;

import java.nio.file.Path;

/** What a replica's root is made of: the host's /usr and its own directory, or an image's root. */
public sealed interface View {

    /**
     * The host's /usr with the function's directory at /home/app (an empty one of its own when
     * {@code appDir} is null), read-only when {@code readOnly}.
     */
    record Host(Path appDir, boolean readOnly) implements View {}

    /**
     * An unpacked image as the whole root, read-only (shared by every replica that runs it), in
     * its working directory, as the user its config names ({@code uid}/{@code gid} inside the
     * sandbox; outside it is still the function's own unprivileged uid).
     */
    record Image(Path rootfs, String workingDir, int uid, int gid) implements View {}
}
