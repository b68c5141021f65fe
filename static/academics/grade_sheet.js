// Grade sheet keyboard moves (docs/admin.md, Grade sheet): Enter goes to the same cell of the
// next row instead of submitting; the up and down arrows move along a column.
"use strict";
document.addEventListener("keydown", (event) => {
    const cell = event.target;
    const table = cell.closest && cell.closest("#grade-sheet");
    if (!table || !cell.name) return;
    const step = { Enter: 1, ArrowDown: 1, ArrowUp: -1 }[event.key];
    // A select's own arrows change its value; a date input's change its parts.
    if (!step || (event.key !== "Enter" && cell.tagName === "SELECT") || (event.key !== "Enter" && cell.type === "date")) return;
    const column = cell.name.replace(/^rows-\d+-/, "");
    const cells = Array.from(table.querySelectorAll(`[name$="-${column}"]`));
    const next = cells[cells.indexOf(cell) + step];
    event.preventDefault();
    if (next) {
        next.focus();
        if (next.select) next.select();
    }
});
