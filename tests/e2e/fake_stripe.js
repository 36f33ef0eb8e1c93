// A stand-in for Stripe.js (https://js.stripe.com/v3/) in the browser tests, with only what
// static/js/pay.js uses. The Payment Element is one plain "Card number" field. Confirming
// sends what Stripe.js sends: the card and the client secret, with the publishable key, to
// https://api.stripe.com; the test answers that address from localstripe. On success the
// browser goes to the return address, as with Stripe; a refusal comes back as { error }.
(function () {
  "use strict";
  const API = "https://api.stripe.com/v1";

  function card(elements) {
    const input = elements.mounted && elements.mounted.querySelector("input");
    return input ? input.value.replace(/\s+/g, "") : "";
  }

  async function confirm(key, path, params, elements, confirmParams) {
    const secret = elements.clientSecret;
    const id = secret.split("_secret_")[0];
    const body = new URLSearchParams({
      key: key,
      client_secret: secret,
      "payment_method_data[type]": "card",
      "payment_method_data[card][number]": card(elements),
      "payment_method_data[card][exp_month]": "12",
      "payment_method_data[card][exp_year]": "2034",
      "payment_method_data[card][cvc]": "123",
      return_url: confirmParams.return_url,
    });
    const response = await fetch(API + "/" + path + "/" + id + "/confirm", {
      method: "POST",
      body: body,
    });
    const answer = await response.json();
    if (answer.error) {
      return { error: answer.error };
    }
    const back = new URL(confirmParams.return_url);
    back.searchParams.set(params[0], id);
    back.searchParams.set(params[1], secret);
    back.searchParams.set("redirect_status", "succeeded");
    window.location.assign(back.href);
    return new Promise(function () {}); // the page is going away
  }

  window.Stripe = function (key) {
    return {
      elements: function (options) {
        const elements = { clientSecret: options.clientSecret, mounted: null };
        elements.create = function (type) {
          return {
            mount: function (selector) {
              const box = document.querySelector(selector);
              const label = document.createElement("label");
              const input = document.createElement("input");
              label.textContent = "Card number";
              input.name = "cardnumber";
              input.autocomplete = "cc-number";
              input.inputMode = "numeric";
              label.appendChild(input);
              box.appendChild(label);
              box.dataset.type = type;
              elements.mounted = box;
            },
          };
        };
        return elements;
      },
      confirmPayment: function (options) {
        return confirm(key, "payment_intents", ["payment_intent", "payment_intent_client_secret"],
                       options.elements, options.confirmParams);
      },
      confirmSetup: function (options) {
        return confirm(key, "setup_intents", ["setup_intent", "setup_intent_client_secret"],
                       options.elements, options.confirmParams);
      },
    };
  };
})();
