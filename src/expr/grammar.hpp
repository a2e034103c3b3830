// The grammar's declaration (private): the entry rule, as in the X3 tutorial's employee.hpp.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "ast.hpp"

namespace qscore::expr::parser {

namespace x3 = boost::spirit::x3;

struct expression_class;
using expression_type = x3::rule<expression_class, x3ast::expression>;
BOOST_SPIRIT_DECLARE(expression_type)

}  // namespace qscore::expr::parser

