/* The sign-up form (portal/booking): show only the party fields of the chosen kind.
   Without JavaScript both sets show, and the server ignores the other kind's fields. */
(function () {
  var radios = document.querySelectorAll('input[name="kind"]');
  function update() {
    var kind = (document.querySelector('input[name="kind"]:checked') || {}).value;
    document.querySelectorAll("fieldset[data-kind]").forEach(function (set) {
      set.hidden = kind !== undefined && set.getAttribute("data-kind") !== kind;
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
