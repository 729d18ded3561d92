package dev.jfaas.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCipherTest {

    @TempDir
    Path dir;

    @Test
    void aSealedValueOpensOnlyWithItsKeyAndForItsOwnName() throws Exception {
        var cipher = SecretCipher.from(null, dir.resolve("secrets.key"));
        var value = "s3cret-value".getBytes(StandardCharsets.UTF_8);
        var sealed = cipher.seal("openfaas-fn", "db", value);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("s3cret");
        assertThat(cipher.open("openfaas-fn", "db", sealed)).isEqualTo(value);
        assertThat(cipher.seal("openfaas-fn", "db", value)).isNotEqualTo(sealed); // a fresh nonce each time
        assertThatThrownBy(() -> cipher.open("openfaas-fn", "other", sealed)).hasMessageContaining("does not open");
        var otherKey = SecretCipher.from(Base64.getEncoder().encodeToString(new byte[32]), null);
        assertThatThrownBy(() -> otherKey.open("openfaas-fn", "db", sealed)).hasMessageContaining("does not open");
    }

    @Test
    void theKeyFileIsMadeOnceOwnerOnlyAndKept() throws Exception {
        var file = dir.resolve("secrets.key");
        var first = SecretCipher.from(null, file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        var sealed = first.seal("ns", "n", new byte[] {1, 2, 3});
        assertThat(SecretCipher.from(null, file).open("ns", "n", sealed)).containsExactly(1, 2, 3);
    }

    @Test
    void aKeyOfTheWrongSizeIsRefused() {
        assertThatThrownBy(() -> SecretCipher.from(Base64.getEncoder().encodeToString(new byte[16]), null))
                .hasMessageContaining("32 bytes");
    }
}
