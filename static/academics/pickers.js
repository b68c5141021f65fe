'use strict';
// A picker narrowed by another field of its form (academics/admin/pickers.py): Django's
// autocomplete sends the search term and the field; this adds the value of the field named by
// data-filtered-by (a cohort picker sends the chosen course), and clears the picker when that
// field changes, so a cohort of another course is never left selected.
{
    const $ = django.jQuery;
    const initialize = $.fn.djangoAdminSelect2;

    $.fn.djangoAdminSelect2 = function() {
        initialize.call(this);
        this.filter('[data-filtered-by]').each(function(i, picker) {
            const name = picker.dataset.filteredBy;
            // Same form (or inline row): the ids differ only in the field name.
            const id = picker.id.slice(0, -picker.dataset.fieldName.length) + name;
            const source = document.getElementById(id);
            if (!source) {
                return;
            }
            const adapter = $(picker).data('select2').dataAdapter;
            const data = adapter.ajaxOptions.data;
            adapter.ajaxOptions.data = (params) => ({...data(params), [name]: source.value});
            // Only a real change: Django's related-widget script triggers "change" on every
            // picker as the page loads, which must not clear a saved cohort.
            let chosen = source.value;
            $(source).on('change', () => {
                if (source.value !== chosen) {
                    chosen = source.value;
                    $(picker).val(null).trigger('change');
                }
            });
        });
        return this;
    };
}
