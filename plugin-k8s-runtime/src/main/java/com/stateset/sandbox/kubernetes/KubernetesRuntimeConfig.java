package com.stateset.sandbox.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.stateset.sandbox.spi.Quantities;
import com.stateset.sandbox.spi.runtime.Isolations;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code runtime.config} section when {@code runtime.type} is {@code kubernetes}. */
public class KubernetesRuntimeConfig {

    private static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    private static final String LABEL_KEY =
            "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";
    private static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$";

    /**
     * API server address, for example {@code https://10.0.0.1:6443}; empty means the kubeconfig
     * below, else the in-cluster service account (or {@code KUBECONFIG}, {@code ~/.kube/config}).
     */
    @JsonProperty
    @Pattern(regexp = "^(|https?://\\S+)$", message = "must be empty or an http(s) URL")
    private String masterUrl;

    /** Path of a kubeconfig file; empty means the in-cluster service account. */
    @JsonProperty
    private String kubeconfig;

    /** The namespace sandbox pods run in: dedicated to sandboxes, nothing else in it. */
    @JsonProperty
    @NotBlank
    @Pattern(regexp = DNS_LABEL, message = "must be a namespace name")
    private String namespace = "stateset-sandboxes";

    /** RuntimeClass for sandbox pods of {@code container} isolation; empty means the nodes' default runtime. */
    @JsonProperty
    @Pattern(regexp = "^$|" + DNS_LABEL, message = "must be empty or a RuntimeClass name")
    private String runtimeClassName;

    /** RuntimeClass that runs pods under gVisor; empty means sandboxes cannot ask for {@code gvisor} isolation. */
    @JsonProperty
    @Pattern(regexp = "^$|" + DNS_LABEL, message = "must be empty or a RuntimeClass name")
    private String gvisorRuntimeClassName;

    /**
     * The isolations sandboxes may ask for; null means container, and gvisor too when
     * gvisorRuntimeClassName is set. {@code [gvisor]} puts every sandbox under gVisor.
     */
    @JsonProperty
    private List<@Pattern(regexp = "^(container|gvisor)$", message = "must be container or gvisor") String> isolations;

    /** Isolation of sandboxes that ask for none: container, or gvisor (which needs gvisorRuntimeClassName). */
    @JsonProperty
    @NotNull
    @Pattern(regexp = "^(container|gvisor)$", message = "must be container or gvisor")
    private String defaultIsolation = Isolations.CONTAINER;

    /** Only nodes with these labels run sandboxes. */
    @JsonProperty
    @NotNull
    private Map<@NotBlank @Pattern(regexp = LABEL_KEY, message = "must be a label key") String,
            @NotNull @Pattern(regexp = LABEL_VALUE, message = "must be a label value") String> nodeSelector = new LinkedHashMap<>();

    /** Taints of the sandbox nodes that sandbox pods tolerate. */
    @JsonProperty
    @NotNull
    private List<@Valid @NotNull Toleration> tolerations = new ArrayList<>();

    /** {@code IfNotPresent}, {@code Always} or {@code Never}. */
    @JsonProperty
    @NotNull
    @Pattern(regexp = "^(IfNotPresent|Always|Never)$")
    private String imagePullPolicy = "IfNotPresent";

    /** Secrets in the sandbox namespace with credentials for the template images' registry. */
    @JsonProperty
    @NotNull
    private List<@NotBlank @Pattern(regexp = DNS_LABEL) String> imagePullSecrets = new ArrayList<>();

    /** The sandbox user. Never 0: pods run as non-root under the "restricted" Pod Security Standard. */
    @JsonProperty
    @Min(1)
    private int uid = 1000;

    @JsonProperty
    @Min(1)
    private int gid = 1000;

    @JsonProperty
    @NotBlank
    @Pattern(regexp = "^/[^\\x00]*$", message = "must be an absolute path")
    private String homeDirectory = "/home/sandbox";

    /** Size limit of the /workspace emptyDir; the kubelet evicts a pod past its limits. */
    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.SIZE_PATTERN, message = "must be a size such as 1Gi")
    private String workspaceSize = "1Gi";

    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.SIZE_PATTERN, message = "must be a size such as 256Mi")
    private String tmpSize = "256Mi";

    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.SIZE_PATTERN, message = "must be a size such as 128Mi")
    private String homeSize = "128Mi";

    /**
     * Keep the writable areas in memory ({@code emptyDir.medium: Memory}): writes past a size limit
     * then fail with ENOSPC at once instead of the kubelet evicting the pod later, and they count
     * towards the pod's memory limit, which is raised by their sizes.
     */
    @JsonProperty
    private boolean memoryBackedVolumes = true;

    /** How long a pod may take to be scheduled, pull its image and start. */
    @JsonProperty
    @Min(5)
    @Max(3600)
    private int startTimeoutSeconds = 180;

    /**
     * Where a sandbox allowed on the network may never connect: the cluster's own ranges (pods,
     * services, nodes) and the cloud metadata address. Set it to the cluster's CIDRs.
     */
    @JsonProperty
    @NotNull
    private List<@NotBlank @Pattern(regexp = "^[0-9a-fA-F:.]+/[0-9]{1,3}$", message = "must be a CIDR") String> deniedEgressCidrs =
            new ArrayList<>(List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                    "169.254.0.0/16", "fc00::/7", "fe80::/10"));

    /** Retries of a failed API request (with backoff) before it counts as unreachable. */
    @JsonProperty
    @Min(0)
    @Max(10)
    private int requestRetries = 2;

    @JsonProperty
    @Min(1)
    @Max(300)
    private int requestTimeoutSeconds = 30;

    /** A taint a sandbox pod tolerates. */
    public record Toleration(
            @JsonProperty("key") @Pattern(regexp = LABEL_KEY, message = "must be a label key") String key,
            @JsonProperty("operator") @Pattern(regexp = "^(Equal|Exists)$") String operator,
            @JsonProperty("value") @Pattern(regexp = LABEL_VALUE, message = "must be a label value") String value,
            @JsonProperty("effect") @Pattern(regexp = "^(NoSchedule|PreferNoSchedule|NoExecute)$") String effect) {
    }

    public String masterUrl() {
        return masterUrl == null || masterUrl.isBlank() ? null : masterUrl;
    }

    public String kubeconfig() {
        return kubeconfig == null || kubeconfig.isBlank() ? null : kubeconfig;
    }

    public String namespace() {
        return namespace;
    }

    public String runtimeClassName() {
        return runtimeClassName == null || runtimeClassName.isBlank() ? null : runtimeClassName;
    }

    public String gvisorRuntimeClassName() {
        return gvisorRuntimeClassName == null || gvisorRuntimeClassName.isBlank() ? null : gvisorRuntimeClassName;
    }

    /** The isolations this configuration offers (gvisor only with its RuntimeClass), the default first. */
    public List<String> isolations() {
        List<String> allowed = isolations != null ? isolations : List.of(Isolations.CONTAINER, Isolations.GVISOR);
        List<String> offered = new ArrayList<>(allowed.stream()
                .filter(isolation -> isolation.equals(Isolations.CONTAINER)
                        || isolation.equals(Isolations.GVISOR) && gvisorRuntimeClassName() != null)
                .distinct().toList());
        if (offered.remove(defaultIsolation)) {
            offered.add(0, defaultIsolation);
        }
        return List.copyOf(offered);
    }

    @AssertTrue(message = "defaultIsolation must be among isolations, and gvisor needs gvisorRuntimeClassName")
    @JsonIgnore
    public boolean isDefaultIsolationOffered() {
        return isolations().contains(defaultIsolation);
    }

    /** The RuntimeClass of pods of an isolation, or null for the nodes' default. */
    public String runtimeClassName(String isolation) {
        return Isolations.GVISOR.equals(isolation) ? gvisorRuntimeClassName() : runtimeClassName();
    }

    public Map<String, String> nodeSelector() {
        return Map.copyOf(nodeSelector);
    }

    public List<Toleration> tolerations() {
        return List.copyOf(tolerations);
    }

    public String imagePullPolicy() {
        return imagePullPolicy;
    }

    public List<String> imagePullSecrets() {
        return List.copyOf(imagePullSecrets);
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    public String homeDirectory() {
        return homeDirectory;
    }

    public long workspaceBytes() {
        return Quantities.bytes(workspaceSize);
    }

    public long tmpBytes() {
        return Quantities.bytes(tmpSize);
    }

    public long homeBytes() {
        return Quantities.bytes(homeSize);
    }

    public boolean memoryBackedVolumes() {
        return memoryBackedVolumes;
    }

    public int startTimeoutSeconds() {
        return startTimeoutSeconds;
    }

    public List<String> deniedEgressCidrs() {
        return List.copyOf(deniedEgressCidrs);
    }

    public int requestRetries() {
        return requestRetries;
    }

    public int requestTimeoutSeconds() {
        return requestTimeoutSeconds;
    }

    public KubernetesRuntimeConfig withMasterUrl(String masterUrl) {
        this.masterUrl = masterUrl;
        return this;
    }

    public KubernetesRuntimeConfig withNamespace(String namespace) {
        this.namespace = namespace;
        return this;
    }

    public KubernetesRuntimeConfig withWorkspaceSize(String workspaceSize) {
        this.workspaceSize = workspaceSize;
        return this;
    }

    public KubernetesRuntimeConfig withGvisorRuntimeClassName(String gvisorRuntimeClassName) {
        this.gvisorRuntimeClassName = gvisorRuntimeClassName;
        return this;
    }

    public KubernetesRuntimeConfig withRuntimeClassName(String runtimeClassName) {
        this.runtimeClassName = runtimeClassName;
        return this;
    }

    public KubernetesRuntimeConfig withNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = new LinkedHashMap<>(nodeSelector);
        return this;
    }

    public KubernetesRuntimeConfig withTolerations(List<Toleration> tolerations) {
        this.tolerations = new ArrayList<>(tolerations);
        return this;
    }

    public KubernetesRuntimeConfig withStartTimeoutSeconds(int startTimeoutSeconds) {
        this.startTimeoutSeconds = startTimeoutSeconds;
        return this;
    }
}
