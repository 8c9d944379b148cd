"""The ONE request workflow (DESIGN.md): a school asks for a tour, a lecture or an advisor; staff answer.

new → in progress → accepted / declined → done, with a dated history and notes. The subject of an
enquiry is any model (a generic foreign key) that records its providing organisation, so this package
imports none of the apps that use it: programmes, seminars and supporters call ``services`` here.
"""
