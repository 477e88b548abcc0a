package com.stateset.sandbox.client;

import static com.stateset.sandbox.client.Transport.segment;

import com.stateset.sandbox.api.ApiKeyView;
import com.stateset.sandbox.api.AuditEventView;
import com.stateset.sandbox.api.CreateApiKeyRequest;
import com.stateset.sandbox.api.RegisterRequest;
import com.stateset.sandbox.api.RegisterResponse;
import com.stateset.sandbox.api.SecretRequests;
import com.stateset.sandbox.api.SecretView;
import com.stateset.sandbox.api.SubscriptionView;
import com.stateset.sandbox.api.TemplateView;
import com.stateset.sandbox.api.UsageView;
import java.util.List;
import java.util.Map;

/** The organization: registration, API keys, secrets, templates, the audit log, usage and the plan. */
public final class Organization {

    private final Transport http;

    Organization(Transport http) {
        this.http = http;
    }

    /** Creates an organization, its owner and a first API key, shown once (no credential needed). */
    public RegisterResponse register(String email, String organizationName) {
        return http.json(new Transport.Call("POST", "/register").json(new RegisterRequest(email, organizationName, null, null, null)),
                RegisterResponse.class);
    }

    /** The organization's active keys, without secrets. */
    public List<ApiKeyView> apiKeys() {
        return http.json(new Transport.Call("GET", "/api-keys"), ApiKeyView.Listing.class).apiKeys();
    }

    /** Creates a key with these scopes (empty: all) valid for {@code days} (null: no expiry); the key is in this answer only. */
    public ApiKeyView.Created createApiKey(String name, List<String> scopes, Integer days) {
        return http.json(new Transport.Call("POST", "/api-keys").json(new CreateApiKeyRequest(name, days, scopes.isEmpty() ? null : scopes, null)),
                ApiKeyView.Created.class);
    }

    public void revokeApiKey(String keyId) {
        http.json(new Transport.Call("DELETE", "/api-keys/" + segment(keyId)), Map.class);
    }

    /** The organization's secrets by name, without values. */
    public List<SecretView> secrets() {
        return http.json(new Transport.Call("GET", "/secrets"), SecretView.Listing.class).secrets();
    }

    /** Stores a secret, encrypted; it becomes the environment variable of its name when injected. */
    public SecretView createSecret(String name, String value) {
        return http.json(new Transport.Call("POST", "/secrets").json(new SecretRequests.Create(name, value, null, null, null, null)),
                SecretView.One.class).secret();
    }

    /** Replaces a secret's value; sandboxes it was injected into get the new one from their next command. */
    public SecretView updateSecret(String name, String value) {
        return http.json(new Transport.Call("PUT", "/secrets/" + segment(name)).json(new SecretRequests.Update(value, null, null, null, null)),
                SecretView.One.class).secret();
    }

    public void deleteSecret(String name) {
        http.json(new Transport.Call("DELETE", "/secrets/" + segment(name)), Map.class);
    }

    /** The templates (of a category and matching a search, unless null). */
    public List<TemplateView> templates(String category, String search) {
        return http.json(new Transport.Call("GET", "/templates").query("category", category).query("search", search),
                TemplateView.Listing.class).templates();
    }

    public TemplateView template(String templateId) {
        return http.json(new Transport.Call("GET", "/templates/" + segment(templateId)), TemplateView.class);
    }

    /** A page of the audit log, newest first: query parameters as the API names them (action, sandbox_id, start_time...). */
    public AuditEventView.Listing audit(Map<String, ?> query) {
        Transport.Call call = new Transport.Call("GET", "/audit");
        query.forEach(call::query);
        return http.json(call, AuditEventView.Listing.class);
    }

    /** The calendar month so far, with its estimated cost at the configured rates. */
    public UsageView.Current usage() {
        return http.json(new Transport.Call("GET", "/usage/current"), UsageView.Current.class);
    }

    /** Usage per day or hour ({@code daily}, {@code hourly}) between two dates or times (null: the defaults). */
    public UsageView.History usageHistory(String granularity, String startDate, String endDate) {
        return http.json(new Transport.Call("GET", "/usage/history").query("granularity", granularity).query("start_date", startDate)
                .query("end_date", endDate), UsageView.History.class);
    }

    /** Each sandbox's share of a period's usage, most expensive first. */
    public UsageView.BySandbox usageBySandbox(String startDate, String endDate) {
        return http.json(new Transport.Call("GET", "/usage/sandboxes").query("start_date", startDate).query("end_date", endDate),
                UsageView.BySandbox.class);
    }

    /** The plan, its limits and what is in use. */
    public SubscriptionView subscription() {
        return http.json(new Transport.Call("GET", "/billing/subscription"), SubscriptionView.class);
    }

    /** The hosted service's checkout: an operator sets plans here, so this always fails (409 NOT_AVAILABLE). */
    public void upgradePlan(String plan) {
        http.json(new Transport.Call("POST", "/billing/upgrade").json(Map.of("plan", plan)), Map.class);
    }

    /** The hosted service's billing portal: always 409 NOT_AVAILABLE here. */
    public void billingPortal() {
        http.json(new Transport.Call("POST", "/billing/portal").json(Map.of()), Map.class);
    }

    /** The hosted service's invoices: always 409 NOT_AVAILABLE here. */
    public void invoices() {
        http.json(new Transport.Call("GET", "/billing/invoices"), Map.class);
    }
}
