package dev.jfaas.sandbox;

import static dev.jfaas.sandbox.SandboxFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a function in a bubblewrap sandbox can and cannot see and do, with the real bwrap. */
class BubblewrapTest {

    static Sandbox sandbox;
    static FunctionSpace space;

    @BeforeAll
    static void open() {
        sandbox = SandboxFixture.open(SandboxSettings.Kind.BWRAP);
        space = sandbox.space();
        space.writeSecrets(Map.of("api-key", "s3cr3t".getBytes()));
    }

    @AfterAll
    static void close() {
        space.close();
        sandbox.close();
    }

    @Test
    void runsAsAnUnprivilegedUserWithNoCapabilities() {
        var status = run(sandbox, space, "cat /proc/self/status; id -u");
        assertThat(status.exit()).as(status.stderr()).isZero();
        assertThat(status.stdout()).containsPattern("CapEff:\\s+0+\\n").containsPattern("CapPrm:\\s+0+\\n")
                .containsPattern("CapBnd:\\s+0+\\n").containsPattern("NoNewPrivs:\\s+1");
        int uid = Integer.parseInt(status.stdout().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(uid).isNotZero();
        if (FunctionUsers.gatewayIsRoot()) {
            assertThat(uid).isEqualTo(space.uid()).isGreaterThanOrEqualTo(SandboxSettings.DEFAULT_UID_BASE);
        }
    }

    @Test
    void seesOnlyItsOwnRoot() {
        var listing = run(sandbox, space, "ls -A /; echo ---; ls /etc");
        var top = listing.stdout().split("---")[0].strip().lines().toList();
        assertThat(top).doesNotContain("root", "work", "var/lib", "srv", "opt", "boot", "mnt", "data")
                .contains("usr", "home", "tmp", "proc", "dev", "etc");
        assertThat(listing.stdout().split("---")[1]).doesNotContain("shadow", "sudoers");
        var probe = run(sandbox, space, "cat /etc/shadow; cat /root/.bashrc; ls /work; ls " + sandboxRoot());
        assertThat(probe.exit()).isNotZero();
        assertThat(probe.stderr()).contains("No such file");
    }

    @Test
    void environmentHoldsOnlyWhatTheFunctionGets() {
        var env = run(sandbox, space, "env");
        assertThat(env.stdout().lines().map(l -> l.substring(0, l.indexOf('='))).toList())
                .contains("greeting", "PATH", "HOME", "secret_mount_path")
                .isSubsetOf("greeting", "PATH", "HOME", "secret_mount_path", "PWD", "SHLVL", "_"); // the last three: the shell's own
        assertThat(env.stdout()).contains("HOME=/home/app", "secret_mount_path=/var/openfaas/secrets", "greeting=hello");
    }

    @Test
    void secretsAreReadOnlyAtTheOpenFaasPath() {
        var result = run(sandbox, space, "cat /var/openfaas/secrets/api-key; echo; echo x > /var/openfaas/secrets/api-key");
        assertThat(result.stdout()).startsWith("s3cr3t");
        assertThat(result.stderr()).contains("Read-only file system");
    }

    @Test
    void writesOnlyToTmpAndItsOwnDirectory() {
        var result = run(sandbox, space, "echo a > /tmp/a && echo b > /home/app/b && cat /tmp/a /home/app/b; "
                + "touch /usr/x || touch /x || touch /etc/x || echo refused");
        assertThat(result.stdout()).contains("a\nb\n").contains("refused");
    }

    @Test
    void aReadOnlyFunctionCannotWriteItsDirectoryButCanWriteTmp() throws Exception {
        var dir = Files.createTempDirectory("jfaas-app");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(dir.resolve("handler.sh"), "echo from handler");
        Files.setPosixFilePermissions(dir.resolve("handler.sh"), PosixFilePermissions.fromString("rw-r--r--"));
        var result = run(sandbox, space, "sh handler.sh; touch /home/app/new || echo refused; touch /tmp/ok && echo tmp",
                dir, true, new Limits(0, 0, 64));
        assertThat(result.stdout()).contains("from handler", "refused", "tmp");
        assertThat(dir.resolve("new")).doesNotExist();
    }

    @Test
    void tmpIsSizeCapped() {
        var result = run(sandbox, space, "head -c 20000000 /dev/zero > /tmp/big; echo status $?");
        assertThat(result.stdout()).contains("status 1");
        assertThat(result.stderr()).contains("No space left");
    }

    @Test
    void anotherFunctionsSpaceIsOutOfReach() {
        var other = sandbox.space();
        try {
            other.writeSecrets(Map.of("theirs", "private".getBytes()));
            var result = run(sandbox, space, "cat " + other.secretsDir().resolve("theirs") + "; ls /var/openfaas/secrets");
            assertThat(result.stdout()).doesNotContain("private").contains("api-key").doesNotContain("theirs");
            if (FunctionUsers.gatewayIsRoot()) {
                assertThat(other.uid()).isNotEqualTo(space.uid());
            }
        } finally {
            other.close();
        }
    }

    /**
     * A sandbox made ahead: the spawner holds the program until the gateway's word, then runs it
     * with stdin at its end; a sandbox dropped unheld (stdin closed first) ends without running it.
     */
    @Test
    void aHeldProgramRunsOnlyOnTheWord() throws Exception {
        var script = "echo ran; cat; echo stdin-ended";
        var released = sandbox.start(space, held(script));
        try {
            Thread.sleep(200); // time to run, were it not held
            assertThat(released.process().isAlive()).isTrue();
            released.go();
            assertThat(released.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(new String(released.process().getInputStream().readAllBytes())).isEqualTo("ran\nstdin-ended\n");
        } finally {
            released.kill();
        }
        var dropped = sandbox.start(space, held(script));
        try {
            dropped.process().getOutputStream().close();
            assertThat(dropped.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(dropped.process().exitValue()).isZero();
            assertThat(new String(dropped.process().getInputStream().readAllBytes())).isEmpty();
        } finally {
            dropped.kill();
        }
    }

    private static Launch held(String script) {
        return new Launch("held-" + System.nanoTime(), new Program.Command(java.util.List.of("/bin/sh", "-c", script)), Map.of(),
                null, false, Limits.parse(null, null, 64)).toHold();
    }

    private static String sandboxRoot() {
        return space.secretsDir().getParent().toString();
    }
}
