package dev.jfaas.provider.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Writes to the API server that answer the OpenFaaS API's way. */
final class ClusterWrites {

    private ClusterWrites() {}

    /** Creates an object; false when one of that name exists already (the API server's 409). */
    static boolean createdUnlessPresent(Runnable create) {
        try {
            create.run();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            throw e;
        }
    }
}
