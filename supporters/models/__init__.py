"""Models of the supporters app, one module per part; each is imported here so that Django finds it.

company.py   SupporterCompany, its users (SupporterMembership), Recognition
advisor.py   SeniorAdvisor, TradeGroup (related trades), AdvisorOffer (an advisor asked for a request)
"""

from supporters.models.advisor import (  # noqa: F401
    AdvisorActivity,
    AdvisorOffer,
    AdvisorStatus,
    OfferStatus,
    SeniorAdvisor,
    TradeGroup,
)
from supporters.models.company import (  # noqa: F401
    MembershipRole,
    Recognition,
    RecognitionKind,
    SupporterCompany,
    SupporterMembership,
    SupporterQuerySet,
    SupporterStatus,
    corporate_number_validator,
    new_certificate_code,
    postcode_validator,
    registration_number_validator,
)
