package dev.jfaas.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {

    @TempDir
    Path work;

    static TestImages.Spec hello(String name) {
        return new TestImages.Spec(name, Map.of("/home/app/handler.sh", "echo hello from the image\n"), List.of(),
                List.of("sh", "handler.sh"), Map.of("fprocess", "sh handler.sh", "greeting", "hi"), "/home/app", "100:101");
    }

    @Test
    void anOciArchiveAndADockerSaveAreImportedWithTheirConfig() throws Exception {
        var store = new ImageStore(work.resolve("images"), null);
        var oci = store.importArchive(TestImages.archive(work, hello("example.com/team/hello:1.0"), "oci-archive"), null);
        assertThat(oci.name()).isEqualTo("example.com/team/hello:1.0");
        assertThat(oci.digest()).matches("sha256:[0-9a-f]{64}");
        assertThat(oci.config().cmd()).containsExactly("sh", "handler.sh");
        assertThat(oci.config().env()).containsEntry("fprocess", "sh handler.sh");
        assertThat(oci.config().workingDir()).isEqualTo("/home/app");
        assertThat(oci.config().user()).isEqualTo("100:101");
        var docker = store.importArchive(TestImages.archive(work, hello("hello:2.0"), "docker-archive"), null);
        assertThat(docker.name()).isEqualTo("docker.io/library/hello:2.0");
        assertThat(store.find("hello:2.0")).contains(docker);
        assertThat(store.find("docker.io/library/hello:2.0")).contains(docker);
        assertThat(store.list()).extracting(StoredImage::name).containsExactlyInAnyOrder("example.com/team/hello:1.0",
                "docker.io/library/hello:2.0");
    }

    @Test
    void anImageIsUnpackedOnceIntoARootWithTheSandboxesMountPoints() throws Exception {
        var store = new ImageStore(work.resolve("images"), null);
        var image = store.importArchive(TestImages.archive(work, hello("example.com/hello:1"), "oci-archive"), null);
        var root = store.root(image);
        assertThat(root.resolve("home/app/handler.sh")).hasContent("echo hello from the image");
        assertThat(Files.isSymbolicLink(root.resolve("bin/sh"))).isTrue();
        for (var point : List.of("proc", "dev", "tmp", "run/jfaas", "var/openfaas/secrets")) {
            assertThat(root.resolve(point)).isDirectory();
        }
        assertThat(store.root(image)).isEqualTo(root);
        assertThat(store.collect(Set.of(image.digest()))).isZero();
        assertThat(store.collect(Set.of())).isEqualTo(1);
        assertThat(root).doesNotExist();
    }

    @Test
    void badArchivesAndMissingNamesAreClearFourHundreds() throws Exception {
        var store = new ImageStore(work.resolve("images"), null);
        var junk = Files.writeString(work.resolve("junk.tar"), "not a tar at all");
        assertThatThrownBy(() -> store.importArchive(junk, null)).isInstanceOf(ImageException.class)
                .satisfies(e -> assertThat(((ImageException) e).status()).isEqualTo(400));
        var unnamedSpec = hello("x");
        var archive = TestImages.archive(work, unnamedSpec, "oci-archive");
        var renamed = store.importArchive(archive, "example.com/renamed:7");
        assertThat(renamed.name()).isEqualTo("example.com/renamed:7");
        assertThatThrownBy(() -> store.remove("example.com/absent:1")).isInstanceOf(ImageException.class)
                .hasMessageContaining("not found");
        store.remove("example.com/renamed:7");
        assertThat(store.find("example.com/renamed:7")).isEmpty();
    }

    @Test
    void imagesArePulledFromARegistryWithAndWithoutCredentials() throws Exception {
        var archive = TestImages.archive(work, hello("example.com/pushed:1"), "oci-archive");
        try (var open = TestRegistry.start(work, null, null)) {
            open.push(work, archive, "oci-archive", "team/open:1");
            var store = new ImageStore(work.resolve("images-open"), null);
            var pulled = store.pull(open.host() + "/team/open:1");
            assertThat(pulled.name()).isEqualTo(open.host() + "/team/open:1");
            assertThat(pulled.config().env()).containsEntry("greeting", "hi");
            assertThatThrownBy(() -> store.pull(open.host() + "/team/absent:1")).isInstanceOf(ImageException.class)
                    .satisfies(e -> assertThat(((ImageException) e).status()).isEqualTo(404));
        }
        try (var locked = TestRegistry.start(work, "robot", "s3cret")) {
            locked.push(work, archive, "oci-archive", "team/private:1");
            var without = new ImageStore(work.resolve("images-without"), null);
            assertThatThrownBy(() -> without.pull(locked.host() + "/team/private:1")).isInstanceOf(ImageException.class);
            var with = new ImageStore(work.resolve("images-with"), locked.authFile(work));
            assertThat(with.pull(locked.host() + "/team/private:1").digest()).matches("sha256:[0-9a-f]{64}");
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aRegistryThatNeverAnswersFailsThePullAtItsTimeoutAndHoldsUpNothingElse() throws Exception {
        var store = new ImageStore(work.resolve("images"), null, java.time.Duration.ofSeconds(2));
        var local = store.importArchive(TestImages.archive(work, hello("example.com/here:1"), "oci-archive"), null);
        try (var stalled = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            var held = new java.util.concurrent.CopyOnWriteArrayList<java.net.Socket>();
            Thread.ofVirtual().start(() -> {
                while (!stalled.isClosed()) {
                    try {
                        held.add(stalled.accept()); // and never a byte back
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            long start = System.nanoTime();
            var pull = java.util.concurrent.CompletableFuture.supplyAsync(() -> store.pull("localhost:" + stalled.getLocalPort() + "/stalled:1"));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> !held.isEmpty());
            assertThat(store.find("example.com/here:1")).as("looked up while the pull hangs").contains(local);
            assertThat(store.list()).hasSize(1);
            assertThat(pull.isDone()).isFalse();
            assertThatThrownBy(pull::join).cause().isInstanceOf(ImageException.class)
                    .satisfies(e -> assertThat(((ImageException) e).status()).isEqualTo(504))
                    .hasMessageContaining("did not finish within 2 s");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(20));
            for (var socket : held) {
                socket.close();
            }
        }
        try (var left = Files.list(work.resolve("images/incoming"))) {
            assertThat(left).as("nothing of the failed pull is left").isEmpty();
        }
    }

    @Test
    void namesAreReadAsDockerReadsThem() {
        assertThat(ImageReference.parse("busybox").canonical()).isEqualTo("docker.io/library/busybox:latest");
        assertThat(ImageReference.parse("ghcr.io/openfaas/figlet:latest").canonical()).isEqualTo("ghcr.io/openfaas/figlet:latest");
        assertThat(ImageReference.parse("localhost:5000/fn").canonical()).isEqualTo("localhost:5000/fn:latest");
        assertThat(ImageReference.parse("localhost:5000/fn").local()).isTrue();
        assertThat(ImageReference.parse("team/fn:2").canonical()).isEqualTo("docker.io/team/fn:2");
        assertThatThrownBy(() -> ImageReference.parse("Bad Name")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ImageConfig(List.of("fwatchdog"), List.of(), Map.of(), "", "").runsWatchdog()).isTrue();
        assertThat(new ImageConfig(List.of(), List.of("/usr/bin/fwatchdog"), Map.of(), "", "").runsWatchdog()).isTrue();
        assertThat(new ImageConfig(List.of("sh"), List.of("x"), Map.of(), "", "").runsWatchdog()).isFalse();
    }
}
